import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { filterSchema } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../resolvers/context';
import { resolvers } from '../resolvers';

/**
 * The two schemas, from one SDL and one resolver map: the Apollo Federation subgraph that
 * routers query at `/subgraph`, and the public API at `/graphql`, which is the same schema
 * without what federation adds.
 */

export const SCHEMA_PATH = join(__dirname, '..', '..', 'schema', 'schema.graphql');

/**
 * The schema as an Apollo Federation v2 subgraph: the SDL of `schema/schema.graphql` plus
 * `_service` and `_entities` for the `@key` types, by Apollo's reference implementation.
 */
export function createSubgraphSchema(): GraphQLSchema {
  return buildSubgraphSchema([
    {
      typeDefs: parse(readFileSync(SCHEMA_PATH, 'utf8')),
      // The generated resolver types are stricter than Apollo's map; both describe one object.
      resolvers: resolvers as GraphQLResolverMap<GatewayContext>,
    },
  ]);
}

/** The root fields federation adds for routers. */
const FEDERATION_FIELDS = new Set(['_entities', '_service']);
/** The types federation adds: `_Any`, `_Entity`, `_Service`, and those of `@link` and its imports. */
const isFederationType = (name: string): boolean =>
  /^_[A-Za-z]/.test(name) || name.startsWith('link__') || name.startsWith('federation__');
const FEDERATION_DIRECTIVES = new Set(['link', 'key']);

/**
 * The public schema: the subgraph schema without federation's root fields, types and
 * directives, so that introspection and GraphiQL show only the API. Resolvers are kept as they
 * are (filterSchema maps the schema, it does not rebuild it from SDL).
 */
export function publicSchemaOf(subgraph: GraphQLSchema): GraphQLSchema {
  return filterSchema({
    schema: subgraph,
    rootFieldFilter: (_operation, fieldName) => !FEDERATION_FIELDS.has(fieldName),
    typeFilter: (typeName) => !isFederationType(typeName),
    directiveFilter: (name) => !FEDERATION_DIRECTIVES.has(name) && !isFederationType(name),
  });
}
