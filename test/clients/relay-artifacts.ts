import { createHash } from 'node:crypto';
import type { ConcreteRequest } from 'relay-runtime';

/**
 * The compiled Relay artifact of one query, written by hand because relay-compiler is not
 * installed. It is what relay-compiler (v21, default configuration, TypeScript output) emits
 * for this document, in the shape of `__generated__/RepositoryTagsQuery.graphql.ts`:
 *
 *   query RepositoryTagsQuery(
 *     $namespace: String!
 *     $name: String!
 *     $first: Int
 *     $after: String
 *     $last: Int
 *     $before: String
 *     $orderBy: TagOrder!
 *   ) {
 *     repository(namespace: $namespace, name: $name) {
 *       namespace
 *       name
 *       tags(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy)
 *         @connection(key: "Repo_tags") {
 *         totalCount
 *         edges {
 *           node {
 *             id
 *             name
 *             updatedAt
 *           }
 *         }
 *       }
 *     }
 *   }
 *
 * What the compiler's connection transform does to it, and so what is written out below:
 * - the reader AST (`fragment`) reads the field under its handle name
 *   `__Repo_tags_connection`, aliased back to `tags`, with only the non-pagination arguments
 *   (`orderBy`: the default `filters`); the connection's client record holds every page merged;
 * - both ASTs gain `edges.cursor`, `edges.node.__typename` and, the connection being
 *   bidirectional (`first`/`after` and `last`/`before` are all present),
 *   `pageInfo { endCursor hasNextPage hasPreviousPage startCursor }`;
 * - the normalization AST (`operation`) selects the server field `tags` with every argument,
 *   followed by a `LinkedHandle` (handle `connection`, key `Repo_tags`, filters `["orderBy"]`)
 *   that makes the store run `ConnectionHandler.update` on each payload; `Tag.id` is selected
 *   in both because it is in the document (the compiler would add it to the normalization AST
 *   anyway: Tag has an `id`);
 * - the reader fragment's metadata carries the connection: bidirectional, hence no count or
 *   cursor variable, at the path `repository.tags`;
 * - `params.text` is the printed query with the added fields; `cacheID` its md5.
 */

export type TagOrderField = 'NAME' | 'UPDATED_AT';
export type OrderDirection = 'ASC' | 'DESC';

export interface TagOrder {
  readonly field: TagOrderField;
  readonly direction: OrderDirection;
}

export interface RepositoryTagsQuery$variables {
  namespace: string;
  name: string;
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  orderBy: TagOrder;
}

export interface RepositoryTagsQuery$data {
  readonly repository: {
    readonly namespace: string;
    readonly name: string;
    readonly tags: {
      readonly totalCount: number;
      readonly edges: readonly {
        readonly cursor: string;
        readonly node: {
          readonly id: string;
          readonly name: string;
          readonly updatedAt: string;
        };
      }[];
      readonly pageInfo: {
        readonly endCursor: string | null;
        readonly hasNextPage: boolean;
        readonly hasPreviousPage: boolean;
        readonly startCursor: string | null;
      };
    };
  } | null;
}

export interface RepositoryTagsQuery {
  response: RepositoryTagsQuery$data;
  variables: RepositoryTagsQuery$variables;
}

const text = `query RepositoryTagsQuery(
  $namespace: String!
  $name: String!
  $first: Int
  $after: String
  $last: Int
  $before: String
  $orderBy: TagOrder!
) {
  repository(namespace: $namespace, name: $name) {
    namespace
    name
    tags(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {
      totalCount
      edges {
        node {
          id
          name
          updatedAt
          __typename
        }
        cursor
      }
      pageInfo {
        endCursor
        hasNextPage
        hasPreviousPage
        startCursor
      }
    }
  }
}
`;

const node: ConcreteRequest = (function () {
  const v0 = [
    { defaultValue: null, kind: 'LocalArgument', name: 'after' },
    { defaultValue: null, kind: 'LocalArgument', name: 'before' },
    { defaultValue: null, kind: 'LocalArgument', name: 'first' },
    { defaultValue: null, kind: 'LocalArgument', name: 'last' },
    { defaultValue: null, kind: 'LocalArgument', name: 'name' },
    { defaultValue: null, kind: 'LocalArgument', name: 'namespace' },
    { defaultValue: null, kind: 'LocalArgument', name: 'orderBy' },
  ] as const;
  const v1 = [
    { kind: 'Variable', name: 'name', variableName: 'name' },
    { kind: 'Variable', name: 'namespace', variableName: 'namespace' },
  ] as const;
  const v2 = {
    alias: null,
    args: null,
    kind: 'ScalarField',
    name: 'namespace',
    storageKey: null,
  } as const;
  const v3 = {
    alias: null,
    args: null,
    kind: 'ScalarField',
    name: 'name',
    storageKey: null,
  } as const;
  const v4 = {
    alias: null,
    args: null,
    kind: 'ScalarField',
    name: 'totalCount',
    storageKey: null,
  } as const;
  const v5 = {
    alias: null,
    args: null,
    concreteType: 'TagEdge',
    kind: 'LinkedField',
    name: 'edges',
    plural: true,
    selections: [
      {
        alias: null,
        args: null,
        concreteType: 'Tag',
        kind: 'LinkedField',
        name: 'node',
        plural: false,
        selections: [
          { alias: null, args: null, kind: 'ScalarField', name: 'id', storageKey: null },
          v3,
          { alias: null, args: null, kind: 'ScalarField', name: 'updatedAt', storageKey: null },
          { alias: null, args: null, kind: 'ScalarField', name: '__typename', storageKey: null },
        ],
        storageKey: null,
      },
      { alias: null, args: null, kind: 'ScalarField', name: 'cursor', storageKey: null },
    ],
    storageKey: null,
  } as const;
  const v6 = {
    alias: null,
    args: null,
    concreteType: 'PageInfo',
    kind: 'LinkedField',
    name: 'pageInfo',
    plural: false,
    selections: [
      { alias: null, args: null, kind: 'ScalarField', name: 'endCursor', storageKey: null },
      { alias: null, args: null, kind: 'ScalarField', name: 'hasNextPage', storageKey: null },
      { alias: null, args: null, kind: 'ScalarField', name: 'hasPreviousPage', storageKey: null },
      { alias: null, args: null, kind: 'ScalarField', name: 'startCursor', storageKey: null },
    ],
    storageKey: null,
  } as const;
  const v7 = [v4, v5, v6] as const;
  const v8 = [
    { kind: 'Variable', name: 'after', variableName: 'after' },
    { kind: 'Variable', name: 'before', variableName: 'before' },
    { kind: 'Variable', name: 'first', variableName: 'first' },
    { kind: 'Variable', name: 'last', variableName: 'last' },
    { kind: 'Variable', name: 'orderBy', variableName: 'orderBy' },
  ] as const;
  return {
    fragment: {
      argumentDefinitions: v0,
      kind: 'Fragment',
      metadata: {
        connection: [
          {
            count: null,
            cursor: null,
            direction: 'bidirectional',
            path: ['repository', 'tags'],
          },
        ],
      },
      name: 'RepositoryTagsQuery',
      selections: [
        {
          alias: null,
          args: v1,
          concreteType: 'Repository',
          kind: 'LinkedField',
          name: 'repository',
          plural: false,
          selections: [
            v2,
            v3,
            {
              alias: 'tags',
              args: [{ kind: 'Variable', name: 'orderBy', variableName: 'orderBy' }],
              concreteType: 'TagConnection',
              kind: 'LinkedField',
              name: '__Repo_tags_connection',
              plural: false,
              selections: v7,
              storageKey: null,
            },
          ],
          storageKey: null,
        },
      ],
      type: 'Query',
      abstractKey: null,
    },
    kind: 'Request',
    operation: {
      argumentDefinitions: v0,
      kind: 'Operation',
      name: 'RepositoryTagsQuery',
      selections: [
        {
          alias: null,
          args: v1,
          concreteType: 'Repository',
          kind: 'LinkedField',
          name: 'repository',
          plural: false,
          selections: [
            v2,
            v3,
            {
              alias: null,
              args: v8,
              concreteType: 'TagConnection',
              kind: 'LinkedField',
              name: 'tags',
              plural: false,
              selections: v7,
              storageKey: null,
            },
            {
              alias: null,
              args: v8,
              filters: ['orderBy'],
              handle: 'connection',
              key: 'Repo_tags',
              kind: 'LinkedHandle',
              name: 'tags',
            },
          ],
          storageKey: null,
        },
      ],
    },
    params: {
      cacheID: createHash('md5').update(text).digest('hex'),
      id: null,
      metadata: {},
      name: 'RepositoryTagsQuery',
      operationKind: 'query',
      text,
    },
  };
})();

export default node;
