/**
 * `deleteTags` when SWR fails, through the whole app against a stand-in upstream that answers
 * each DELETE as scripted (test/hardening/support.ts): with retries configured, every name is
 * still sent exactly once, whatever SWR answered, and each failure is reported with the code
 * `deleteTag` gives it, beside the deletion that succeeded.
 */
import { DEMO_TOKEN } from '../../src/sandbox/server';
import {
  graphql,
  json,
  startGateway,
  startStandIn,
  type Gateway,
  type StandIn,
} from '../hardening/support';

let standIn: StandIn;
let gateway: Gateway;

beforeAll(async () => {
  standIn = await startStandIn();
  gateway = await startGateway({ SWR_ENDPOINT: standIn.url, SWR_MAX_RETRIES: '3' });
});

afterAll(async () => {
  await gateway.app.close();
  await standIn.close();
});

test('500, 429, a reset connection and a success: four DELETEs, never retried, each reported', async () => {
  standIn.reset();
  standIn.script(
    { kind: 'status', status: 500, body: '{"error_code":"SVCSTG.SWR.5001056","error_msg":"x"}' },
    { kind: 'status', status: 429, body: '{"error_code":"APIG.0308","error_msg":"too many"}' },
    { kind: 'reset' },
  );
  const tags = ['1.36.1', '1.35.0', '1.36.1-musl', '1.36.1-glibc'];
  const body = json(
    await graphql(
      gateway.url,
      `
        mutation ($tags: [String!]!) {
          deleteTags(input: { namespace: "library", repository: "busybox", tags: $tags }) {
            deletedTagIds
            failures {
              tag
              code
            }
          }
        }
      `,
      DEMO_TOKEN,
      { variables: { tags } },
    ),
  );
  expect(body.errors).toBeUndefined();
  const payload = (
    body.data as {
      deleteTags: { deletedTagIds: string[]; failures: { tag: string; code: string }[] };
    }
  ).deleteTags;
  expect(payload.deletedTagIds).toHaveLength(1);
  expect(payload.failures.map((failure) => failure.code).sort()).toEqual([
    'RATE_LIMITED',
    'UPSTREAM_ERROR',
    'UPSTREAM_UNAVAILABLE',
  ]);
  const deletes = standIn.attempts.filter((attempt) => attempt.method === 'DELETE');
  expect(deletes.map((attempt) => attempt.url).sort()).toEqual(
    tags.map((tag) => `/v2/manage/namespaces/library/repos/busybox/tags/${tag}`).sort(),
  );
});
