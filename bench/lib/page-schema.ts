/**
 * The schema subset leg (b) uses, and its resolvers, for the servers the gateway is compared
 * with: the Apollo Server gateway (f) and the floor (j). Each brings its own way of reading one
 * SWR page; the resolvers build edges and cursors exactly as the gateway does (the same cursor
 * format), so that every server answers (b)'s query with the same bytes.
 */
import { createHash } from 'node:crypto';
import { GraphQLError, GraphQLScalarType } from 'graphql';

export const typeDefs = /* GraphQL */ `
  scalar DateTime
  scalar BigInt

  type Query {
    repository(namespace: String!, name: String!): Repository
  }

  type Repository {
    namespace: String!
    name: String!
    tags(first: Int, after: String): TagConnection!
  }

  type TagConnection {
    edges: [TagEdge!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type TagEdge {
    cursor: String!
    node: Tag!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type Tag {
    name: String!
    digest: String!
    size: BigInt!
    updatedAt: DateTime!
  }
`;

export interface SwrTag {
  Tag: string;
  digest: string;
  size: number;
  updated: string;
}

/** One SWR page of a repository's tags (newest first) and the list's length. */
export type ReadPage<C> = (
  context: C,
  repository: RepositoryParent,
  offset: number,
  limit: number,
) => Promise<{ items: SwrTag[]; total: number }>;

export interface RepositoryParent {
  namespace: string;
  name: string;
}

/** SWR's path of a page of a repository's tags, newest first. */
export function tagsPath(repository: RepositoryParent, offset: number, limit: number): string {
  const repo = encodeURIComponent(repository.name.replaceAll('/', '$')).replaceAll('%24', '$');
  return (
    `/v2/manage/namespaces/${encodeURIComponent(repository.namespace)}/repos/${repo}/tags` +
    `?offset=${offset}&limit=${limit}&order_column=updated_at&order_type=desc`
  );
}

/** The list's length from `Content-Range: {offset}-{count}/{total}`. */
export function totalOf(contentRange: string | null | undefined, fallback: number): number {
  const total = /\/(\d+)$/.exec(contentRange ?? '')?.[1];
  return total === undefined ? fallback : Number(total);
}

const scopeOf = (r: RepositoryParent): string =>
  createHash('sha256')
    .update(JSON.stringify([r.namespace, r.name, 'UPDATED_AT', 'DESC', '']))
    .digest('base64url')
    .slice(0, 10);
const encodeCursor = (scope: string, offset: number, tag: { Tag: string; updated: string }) =>
  Buffer.from(`c1:${scope}:${offset}:${tag.Tag}@${tag.updated}`).toString('base64url');
function decodeCursor(scope: string, cursor: string): number {
  const match = /^c1:([\w-]{10}):(\d+)(?::\S+)?$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (match?.[1] !== scope) {
    throw new GraphQLError('Invalid cursor', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return Number(match[2]);
}

export function createResolvers<C>(readPage: ReadPage<C>) {
  return {
    // SWR's RFC 3339 strings, passed on unchanged as the gateway does.
    DateTime: new GraphQLScalarType({ name: 'DateTime', serialize: (value) => value }),
    BigInt: new GraphQLScalarType({ name: 'BigInt', serialize: (value) => String(value) }),
    Query: {
      repository: (_: unknown, args: RepositoryParent): RepositoryParent => args,
    },
    Repository: {
      async tags(
        repository: RepositoryParent,
        args: { first?: number | null; after?: string | null },
        context: C,
      ) {
        const first = args.first ?? 20;
        if (first < 1 || first > 100) {
          throw new GraphQLError('`first` must be 1 to 100', {
            extensions: { code: 'BAD_USER_INPUT' },
          });
        }
        const scope = scopeOf(repository);
        const start = args.after == null ? 0 : decodeCursor(scope, args.after) + 1;
        // SWR wants offset to be a multiple of limit: read the aligned page(s) holding the window.
        const pageStart = Math.floor(start / first) * first;
        const pages = [readPage(context, repository, pageStart, first)];
        if (start > pageStart) pages.push(readPage(context, repository, pageStart + first, first));
        const read = await Promise.all(pages);
        const items = read
          .flatMap((p) => p.items)
          .slice(start - pageStart, start - pageStart + first);
        const totalCount = read[0]?.total ?? 0;
        const edges = items.map((tag, i) => ({
          cursor: encodeCursor(scope, start + i, tag),
          node: { name: tag.Tag, digest: tag.digest, size: tag.size, updatedAt: tag.updated },
        }));
        return {
          totalCount,
          edges,
          pageInfo: {
            hasNextPage: start + items.length < totalCount,
            hasPreviousPage: start > 0,
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges[edges.length - 1]?.cursor ?? null,
          },
        };
      },
    },
  };
}
