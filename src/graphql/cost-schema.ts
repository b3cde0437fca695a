import {
  getDirectiveValues,
  getNamedType,
  isCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

/**
 * The numbers of the cost model (see cost.ts), read once from where they are declared: `@cost`
 * and `@listSize` in the schema, and what the resolvers tell of the rest.
 */

/** What the schema's directives cannot say, told by the resolvers that know it. */
export interface CostHints {
  /** By type: the fields read from an object's details, one request per object. */
  detailFields: Readonly<Record<string, readonly string[]>>;
  /**
   * By field (`Type.field`): its objects are new ones rather than its parent's, with whether
   * their details come along.
   */
  newObjects: Readonly<Record<string, { detailsLoaded: boolean }>>;
  /** By type: the requests that resolving one `_entities` representation of it costs. */
  referenceCosts: Readonly<Record<string, number>>;
  /**
   * By field: a list as long as one of its list arguments (`nodes(ids:)`), of at most `max`
   * elements; a longer argument is refused by the resolver, not by the cost limit.
   */
  listArguments: Readonly<Record<string, { argument: string; max: number }>>;
  /** The largest page size: larger ones are refused by the resolver, not by the cost limit. */
  maxPageSize: number;
  /**
   * By field: its weight for the arguments given, where they change it (an order the gateway
   * sorts itself); null leaves the field's `@cost`.
   */
  weightsByArguments?: Readonly<Record<string, (args: Record<string, unknown>) => number | null>>;
  /**
   * A connection's cursor arguments, and the most reads that finding one cursor's edge again may
   * take when it has moved since the cursor was issued (re-anchoring), counted for each cursor
   * given: a moved or forged cursor must not cost more than the query was judged to.
   */
  cursors: { arguments: readonly string[]; searchReads: number };
}

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
