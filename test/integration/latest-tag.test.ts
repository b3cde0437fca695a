/**
 * `Repository.latestTag` over HTTP agrees with the reference (test/support/version-reference.ts)
 * on every repository of the sandbox, for each variant, stable or not.
 */
import { defaultDataset } from '../../src/sandbox/dataset';
import { tokenOf } from '../../src/sandbox/server';
import { startHarness, type Harness } from '../support/harness';
import { refLatest } from '../support/version-reference';
import { expectedNames } from './support';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

describe('latestTag', () => {
  const repositories = [...defaultDataset().namespaces.values()].flatMap((ns) =>
    [...ns.repositories.keys()].map((name) => [ns.name, name, ns.account] as const),
  );

  test.each(repositories)(
    '%s/%s: as the reference, for each variant, stable or not',
    async (namespace, name, account) => {
      const all = expectedNames(namespace, name, { field: 'NAME', direction: 'ASC' });
      const token = tokenOf(account);
      for (const variant of [null, 'alpine', 'musl', 'slim', 'nothing']) {
        for (const stable of [true, false]) {
          const body = await h.graphql(
            'query ($ns: String!, $name: String!, $variant: String, $stable: Boolean) { repository(namespace: $ns, name: $name) { latestTag(variant: $variant, stable: $stable) { name } } }',
            { ns: namespace, name, variant, stable },
            token,
          );
          expect(body.errors).toBeUndefined();
          const latest = (body.data?.repository as { latestTag: { name: string } | null })
            .latestTag;
          expect(latest?.name ?? null).toBe(refLatest(all, variant ?? '', stable));
        }
      }
    },
  );
});
