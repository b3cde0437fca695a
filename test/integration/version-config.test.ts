/**
 * VERSION_ORDER_MAX_TAGS from the environment to the answer, through the whole app (config,
 * HTTP layer, gateway, sandbox): the bound refuses a longer list with its code and the
 * configured number, and the cost limit counts ⌈bound ÷ 1,000⌉ requests for the order.
 */
import { ConfigError, loadConfig } from '../../src/config';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import { graphql, json, startGateway, type Gateway } from '../hardening/support';

let gateway: Gateway;

beforeAll(async () => {
  gateway = await startGateway({ VERSION_ORDER_MAX_TAGS: '50', MAX_UPSTREAM_REQUESTS: '3' });
});

afterAll(async () => {
  await gateway.app.close();
});

const VERSIONS = (name: string) =>
  `{ repository(namespace: "library", name: "${name}") { tags(orderBy: {field: VERSION, direction: DESC}, first: 3) { nodes { name } } } }`;

test('a list longer than the configured bound is refused with QUERY_TOO_EXPENSIVE and the bound', async () => {
  const body = json(await graphql(gateway.url, VERSIONS('nginx'), DEMO_TOKEN));
  expect(body.errors?.[0]?.extensions).toMatchObject({
    code: 'QUERY_TOO_EXPENSIVE',
    limits: { versionOrderMaxTags: 50 },
    total: 97,
  });
});

test('latestTag reads the same list, and meets the same bound', async () => {
  const body = json(
    await graphql(
      gateway.url,
      '{ repository(namespace: "library", name: "nginx") { latestTag { name } } }',
      DEMO_TOKEN,
    ),
  );
  expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', total: 97 });
});

test('a shorter one is served; with a bound of 50, one version order costs one request, so three fit a limit of 3', async () => {
  const one = json(await graphql(gateway.url, VERSIONS('team/app'), DEMO_TOKEN));
  expect(one.errors).toBeUndefined();
  const three = `{ a: repository(namespace: "library", name: "busybox") { tags(orderBy: {field: VERSION, direction: DESC}) { totalCount } }
    b: repository(namespace: "library", name: "hello") { tags(orderBy: {field: VERSION, direction: ASC}) { totalCount } }
    c: repository(namespace: "library", name: "multiarch") { latestTag { name } } }`;
  expect(json(await graphql(gateway.url, three, DEMO_TOKEN)).errors).toBeUndefined();
  const four = three.replace(
    '}\n',
    '} d: repository(namespace: "library", name: "empty") { latestTag { name } }\n',
  );
  expect(json(await graphql(gateway.url, four, DEMO_TOKEN)).errors?.[0]?.extensions?.code).toBe(
    'QUERY_TOO_EXPENSIVE',
  );
});

test.each(['0', '100001', 'ten'])('VERSION_ORDER_MAX_TAGS=%s is a configuration error', (value) => {
  expect(() => loadConfig({ VERSION_ORDER_MAX_TAGS: value })).toThrow(ConfigError);
});
