import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import type { DeleteTagDocument, NodeDocument, RepositoryTagsDocument } from './documents';

/**
 * What the generated types refuse, checked by tsc: each line below must be a type error, or
 * tsc reports the `@ts-expect-error` as unused.
 */

type Tags = ResultOf<typeof RepositoryTagsDocument>;
type Node = ResultOf<typeof NodeDocument>['node'];

export const checks = (tags: Tags, node: Node): unknown[] => [
  // @ts-expect-error a repository may be null
  tags.repository.tags.totalCount,
  // @ts-expect-error totalCount is a number
  tags.repository?.tags.totalCount.toUpperCase(),
  // @ts-expect-error a masked fragment's fields are read through getFragmentData
  tags.repository?.tags.edges[0]?.node.name,
  // @ts-expect-error only a Repository has a namespace
  node?.__typename === 'Tag' && node.namespace,
  node?.__typename === 'Repository' && node.namespace.length,
];

export const variables: VariablesOf<typeof DeleteTagDocument>[] = [
  { input: { namespace: 'library', repository: 'nginx', tag: 'latest' } },
  // @ts-expect-error the tag is required
  { input: { namespace: 'library', repository: 'nginx' } },
];
