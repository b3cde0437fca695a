/**
 * A cursor whose edge has moved far (here: hundreds of tags pushed in front of it) makes the
 * gateway search for the edge again, read after read. The cost the query is judged by counts
 * that search, so that the SWR requests it makes never exceed the cost it was allowed with.
 */
import { DEMO_TOKEN } from '../../src/sandbox/server';
import {
  graphql,
  json,
  onlyError,
  startGateway,
  startStandIn,
  type Gateway,
  type StandIn,
} from '../hardening/support';

const PAGE = `query Page($after: String) {
  repository(namespace: "library", name: "nginx") {
    tags(first: 5, after: $after) { pageInfo { endCursor } nodes { name } }
  }
}`;

let standIn: StandIn;
let gateway: Gateway;
let strict: Gateway;

beforeAll(async () => {
  standIn = await startStandIn();
  gateway = await startGateway({ SWR_ENDPOINT: standIn.url });
  strict = await startGateway({ SWR_ENDPOINT: standIn.url, MAX_UPSTREAM_REQUESTS: '1' });
});

afterAll(async () => {
  await gateway.app.close();
  await strict.app.close();
  await standIn.close();
});

async function pushTags(count: number): Promise<void> {
  for (let n = 0; n < count; n++) {
    const answer = await fetch(
      `${standIn.sandbox.url}/sandbox/namespaces/library/repos/nginx/tags/pushed-${n}`,
      {
        method: 'PUT',
        headers: { 'x-auth-token': DEMO_TOKEN, 'content-type': 'application/json' },
      },
    );
    expect(answer.status).toBeLessThan(300);
  }
}

test('a page after a cursor whose edge moved far costs SWR no more than its declared cost', async () => {
  const first = json(await graphql(gateway.url, PAGE, DEMO_TOKEN));
  const repository = first.data?.repository as { tags: { pageInfo: { endCursor: string } } };
  const after = repository.tags.pageInfo.endCursor;

  const refused = onlyError(await graphql(strict.url, PAGE, DEMO_TOKEN, { variables: { after } }));
  expect(refused.extensions?.code).toBe('QUERY_TOO_EXPENSIVE');
  const declared = (refused.extensions?.cost as { upstreamRequests: number }).upstreamRequests;

  await pushTags(600);
  standIn.reset();
  const next = json(await graphql(gateway.url, PAGE, DEMO_TOKEN, { variables: { after } }));
  expect(next.errors ?? []).toEqual([]);
  // The search read more than one page: the case the cost must cover.
  expect(standIn.attempts.length).toBeGreaterThan(2);
  expect(standIn.attempts.length).toBeLessThanOrEqual(declared);
});
