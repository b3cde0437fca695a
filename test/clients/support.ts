/**
 * Helpers shared by the client suites: the sandbox's exact lists in GraphQL terms, a console
 * spy, and cursor probes that ask the gateway over HTTP what a cursor points at.
 */
import type { TagOrder } from '../integration/support';
import type { Harness } from '../support/harness';

export {
  expectedNames,
  orderLabel,
  type Direction as OrderDirection,
  type OrderField as TagOrderField,
  type TagOrder,
} from '../integration/support';

export const UPDATED_DESC: TagOrder = { field: 'UPDATED_AT', direction: 'DESC' };
export const NAME_ASC: TagOrder = { field: 'NAME', direction: 'ASC' };

/** Records console.warn and console.error (still printing them) so a test can assert none. */
export function spyOnConsole(): { messages: () => unknown[][]; restore: () => void } {
  const warn = jest.spyOn(console, 'warn');
  const error = jest.spyOn(console, 'error');
  return {
    messages: () => [...warn.mock.calls, ...error.mock.calls],
    restore: () => {
      warn.mockRestore();
      error.mockRestore();
    },
  };
}

interface ProbeBody {
  data?: { repository: { tags: { nodes: { name: string }[] } } | null } | null;
  errors?: { message: string }[];
}

const PROBE = `query Probe($namespace: String!, $name: String!, $orderBy: TagOrder!, $nameContains: String,
  $first: Int, $after: String, $last: Int, $before: String) {
  repository(namespace: $namespace, name: $name) {
    tags(orderBy: $orderBy, nameContains: $nameContains, first: $first, after: $after, last: $last, before: $before) {
      nodes { name }
    }
  }
}`;

/**
 * The names of the tags next to a cursor, asked of the gateway directly: `first: 1, after` is
 * the tag that follows the cursor's tag, `last: 1, before` the one that precedes it.
 */
export async function probe(
  h: Harness,
  list: { namespace: string; name: string; orderBy: TagOrder; nameContains?: string },
  window: { first: 1; after: string } | { last: 1; before: string },
): Promise<string[]> {
  const body = await h.graphql<ProbeBody>(PROBE, { ...list, ...window });
  if (body.errors) throw new Error(`probe failed: ${JSON.stringify(body.errors)}`);
  const repository = body.data?.repository;
  if (!repository) throw new Error('probe: no repository');
  return repository.tags.nodes.map((node) => node.name);
}
