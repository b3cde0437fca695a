import {
  getDirectiveValues,
  getNamedType,
  isCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import type { CostHints } from '../resolvers/costs';

/**
 * The numbers of the cost model (see cost.ts), read once from where they are declared: `@cost`
 * and `@listSize` in the schema, and what the resolvers tell of the rest.
 */

/** `@listSize` of a field. */
export interface ListSize {
  assumedSize: number | null;
  slicingArguments: readonly string[];
  sizedFields: readonly string[];
}

/** The cost directives of a schema, read once. */
export interface SchemaCosts {
  schema: GraphQLSchema;
  hints: CostHints;
  /** A field's weight: its own `@cost`, else its type's, else nothing. */
  weight(field: GraphQLField<unknown, unknown>): number;
  listSize(field: GraphQLField<unknown, unknown>): ListSize | null;
}

function directive(
  schema: GraphQLSchema,
  name: string,
  node: { readonly directives?: readonly unknown[] | undefined } | null | undefined,
): Record<string, unknown> | undefined {
  const definition = schema.getDirective(name);
  // The schema's AST nodes: a field or type without one was not written in the SDL.
  return definition && node
    ? getDirectiveValues(definition, node as Parameters<typeof getDirectiveValues>[1])
    : undefined;
}

/** Reads `@cost` and `@listSize` from a schema built from SDL that imports them. */
export function readSchemaCosts(schema: GraphQLSchema, hints: CostHints): SchemaCosts {
  const typeWeights = new Map<GraphQLNamedType, number>();
  const weights = new Map<GraphQLField<unknown, unknown>, number>();
  const listSizes = new Map<GraphQLField<unknown, unknown>, ListSize>();
  for (const type of Object.values(schema.getTypeMap())) {
    const typeCost = directive(schema, 'cost', type.astNode)?.weight;
    if (typeof typeCost === 'number') typeWeights.set(type, typeCost);
    if (!('getFields' in type) || !isCompositeType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const cost = directive(schema, 'cost', field.astNode)?.weight;
      if (typeof cost === 'number') weights.set(field, cost);
      const size = directive(schema, 'listSize', field.astNode);
      if (size) {
        listSizes.set(field, {
          assumedSize: typeof size.assumedSize === 'number' ? size.assumedSize : null,
          slicingArguments: (size.slicingArguments as string[] | undefined) ?? [],
          sizedFields: (size.sizedFields as string[] | undefined) ?? [],
        });
      }
    }
  }
  return {
    schema,
    hints,
    weight: (field) => weights.get(field) ?? typeWeights.get(getNamedType(field.type)) ?? 0,
    listSize: (field) => listSizes.get(field) ?? null,
  };
}
