import {
  Kind,
  getNamedType,
  isAbstractType,
  isCompositeType,
  valueFromAST,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { ListSize, SchemaCosts } from './cost-schema';

/**
 * The cost model: how many SWR requests a query may need and how many tags and repositories it
 * may return, counted before it runs.
 *
 * The numbers are declared in the schema, where a supergraph router reads them too: `@cost`
 * (the IBM GraphQL cost directives, as Apollo Federation v2.9 imports them) says how many
 * requests a field (or every field returning a type) costs, and `@listSize` how long a list a
 * field returns (`slicingArguments`: the page size arguments, of which the smallest given
 * counts, as Relay's algorithm keeps at most the fewer; `assumedSize` when none is given;
 * `sizedFields`: the fields of a connection that hold its list). A field costs its weight each
 * time it can run: once per element of the lists around it.
 *
 * What the directives cannot say comes from the resolvers (`CostHints`): a repository's or an
 * organization's details cost one request per object they can belong to, unless a list brought
 * them along, and the objects of one connection share their parent; under `_entities`, each
 * representation is an object of its own, and resolving one may cost a lookup; a cursor given
 * to a connection may cost the reads that find its edge again when the list moved since (a moved
 * or forged cursor), which the schema's directives leave out. Both counts are worst cases:
 * loaders often need fewer requests.
 */

export interface QueryCost {
  upstreamRequests: number;
  nodes: number;
}

/** How long a list a field returns, by its slicing arguments. */
function listLength(size: ListSize, args: Record<string, unknown>, maxPageSize: number): number {
  const given = size.slicingArguments
    .map((name) => args[name])
    .filter((value): value is number => typeof value === 'number');
  if (given.length === 0) return size.assumedSize ?? 0;
  return Math.max(0, Math.min(...given, maxPageSize));
}

/** The reads a connection's cursors may take to find their edges again: each may have moved. */
function anchorSearches(
  args: Record<string, unknown>,
  cursors: { arguments: readonly string[]; searchReads: number },
): number {
  const given = cursors.arguments.filter((name) => typeof args[name] === 'string').length;
  return given * cursors.searchReads;
}

/** How long a list a field returns that has one element per element of its list argument. */
function argumentLength(value: unknown, max: number): number {
  return Array.isArray(value) && value.length <= max ? value.length : 0;
}

/**
 * How many of `_entities`' representations can resolve to each object type: one of an
 * interface (`Node`) counts for each of its object types. A name that is no type of the schema
 * counts for none: resolving it fails before any request.
 */
function representationCounts(
  schema: GraphQLSchema,
  representations: unknown,
): Map<string, number> {
  const counts = new Map<string, number>();
  if (!Array.isArray(representations)) return counts;
  for (const representation of representations as unknown[]) {
    const typename = (representation as { __typename?: unknown } | null)?.__typename;
    const type = typeof typename === 'string' ? schema.getType(typename) : undefined;
    if (!type || !isCompositeType(type)) continue;
    const objects = isAbstractType(type) ? schema.getPossibleTypes(type) : [type];
    for (const { name } of objects) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** The objects one selection set runs on. */
interface Level {
  parent: GraphQLCompositeType;
  /** How many times the selection set can run. */
  multiplier: number;
  /** How many distinct repositories (or organizations) those objects can be. */
  distinct: number;
  /** Whether their details came with them, so that reading them costs nothing more. */
  detailsKnown: boolean;
  /** Whether this level's details were counted already (shared with its fragments). */
  detailsCounted: { value: boolean };
  /** On a connection: its list's length, the fields that hold it, and what its objects are. */
  sized?: {
    fields: readonly string[];
    length: number;
    objects: { detailsLoaded: boolean } | undefined;
  };
  /** For the selections of `_entities`: how many representations resolve to each type. */
  entities?: Map<string, number>;
  /** For the selections of `_entities`: whether each type's details were counted already. */
  entityDetailsCounted?: Map<string, { value: boolean }>;
}

/** One walk of an operation: what it reads, and the cost it adds up. */
interface Walk {
  costs: SchemaCosts;
  schema: GraphQLSchema;
  hints: SchemaCosts['hints'];
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  cost: QueryCost;
  /** The fragments being walked, so that a cycle is walked once. */
  visiting: Set<string>;
}

function argumentsOf(
  walk: Walk,
  selection: FieldNode,
  field: GraphQLField<unknown, unknown>,
): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const argument of selection.arguments ?? []) {
    const definition = field.args.find((arg) => arg.name === argument.name.value);
    if (definition) {
      args[definition.name] = valueFromAST(argument.value, definition.type, walk.variables);
    }
  }
  return args;
}

/** A field's weight: its `@cost`, unless the arguments given change it (an order sorted here). */
function fieldWeight(
  walk: Walk,
  parent: string,
  selection: FieldNode,
  field: GraphQLField<unknown, unknown>,
): number {
  const byArguments = walk.hints.weightsByArguments?.[`${parent}.${field.name}`];
  return byArguments?.(argumentsOf(walk, selection, field)) ?? walk.costs.weight(field);
}

/**
 * The level of a fragment on `type`. Directly under `_entities`, it runs once per
 * representation of that type (of any of its object types, for an abstract one), and its
 * fragments on the same type share their details. Deeper fragments run on their parent's
 * objects.
 */
function fragmentLevel(walk: Walk, level: Level, type: GraphQLCompositeType): Level {
  const { entities, entityDetailsCounted } = level;
  if (!entities || !entityDetailsCounted) return { ...level, parent: type };
  const names = isAbstractType(type)
    ? walk.schema.getPossibleTypes(type).map((possible) => possible.name)
    : [type.name];
  const count = names.reduce((sum, name) => sum + (entities.get(name) ?? 0), 0);
  const multiplier = level.multiplier * count;
  let detailsCounted = entityDetailsCounted.get(type.name);
  if (!detailsCounted) {
    detailsCounted = { value: false };
    entityDetailsCounted.set(type.name, detailsCounted);
  }
  return { parent: type, multiplier, distinct: multiplier, detailsKnown: false, detailsCounted };
}

/** The level below a field, of `type`, at `level`. */
function fieldLevel(
  walk: Walk,
  level: Level,
  selection: FieldNode,
  field: GraphQLField<unknown, unknown>,
  type: GraphQLCompositeType,
): Level {
  const coordinate = `${level.parent.name}.${field.name}`;
  const child: Level = {
    parent: type,
    multiplier: level.multiplier,
    distinct: level.distinct,
    detailsKnown: level.detailsKnown,
    detailsCounted: { value: false },
  };
  const { costs, hints, cost } = walk;
  let objects = hints.newObjects[coordinate];
  const { sized } = level;
  if (sized?.fields.includes(field.name)) {
    // The list of a connection: its elements are the connection's objects.
    child.multiplier *= sized.length;
    objects = sized.objects;
  }
  const size = costs.listSize(field);
  if (size) {
    const args = argumentsOf(walk, selection, field);
    const byArgument = hints.listArguments[coordinate];
    const length = byArgument
      ? argumentLength(args[byArgument.argument], byArgument.max)
      : listLength(size, args, hints.maxPageSize);
    cost.nodes += child.multiplier * length;
    if (size.sizedFields.length > 0) {
      child.sized = { fields: size.sizedFields, length, objects };
      objects = undefined;
      cost.upstreamRequests += child.multiplier * anchorSearches(args, hints.cursors);
    } else {
      child.multiplier *= length;
    }
  }
  if (objects) {
    child.distinct = child.multiplier;
    child.detailsKnown = objects.detailsLoaded;
  }
  return child;
}

function walkSelections(walk: Walk, selectionSet: SelectionSetNode, level: Level): void {
  const { schema, fragments, visiting } = walk;
  const { parent, multiplier } = level;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = fragments[selection.name.value];
      if (!fragment || visiting.has(fragment.name.value)) continue;
      visiting.add(fragment.name.value);
      const type = schema.getType(fragment.typeCondition.name.value);
      if (type && isCompositeType(type))
        walkSelections(walk, fragment.selectionSet, fragmentLevel(walk, level, type));
      visiting.delete(fragment.name.value);
      continue;
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const name = selection.typeCondition?.name.value;
      const type = name === undefined ? parent : schema.getType(name);
      if (type && isCompositeType(type))
        walkSelections(walk, selection.selectionSet, fragmentLevel(walk, level, type));
      continue;
    }
    if (!('getFields' in parent)) continue;
    const field = parent.getFields()[selection.name.value];
    if (!field) continue;
    if (
      walk.hints.detailFields[parent.name]?.includes(field.name) &&
      !level.detailsKnown &&
      !level.detailsCounted.value
    ) {
      level.detailsCounted.value = true;
      walk.cost.upstreamRequests += level.distinct;
    }
    const type = getNamedType(field.type);
    if (!selection.selectionSet || !isCompositeType(type)) {
      walk.cost.upstreamRequests += walk.costs.weight(field) * multiplier;
      continue;
    }
    const child = fieldLevel(walk, level, selection, field, type);
    // Once for each object the field returns: each element of a list.
    walk.cost.upstreamRequests +=
      fieldWeight(walk, parent.name, selection, field) * child.multiplier;
    if (parent === schema.getQueryType() && field.name === '_entities') {
      const { representations } = argumentsOf(walk, selection, field);
      const entities = representationCounts(schema, representations);
      for (const [name, count] of entities) {
        walk.cost.upstreamRequests += (walk.hints.referenceCosts[name] ?? 0) * count * multiplier;
      }
      child.entities = entities;
      child.entityDetailsCounted = new Map();
    }
    walkSelections(walk, selection.selectionSet, child);
  }
}

/** The cost of one operation with its variables, by walking its selections. */
export function operationCost(
  costs: SchemaCosts,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): QueryCost {
  const { schema, hints } = costs;
  const cost: QueryCost = { upstreamRequests: 0, nodes: 0 };
  const walk: Walk = { costs, schema, hints, fragments, variables, cost, visiting: new Set() };
  const root = schema.getRootType(operation.operation);
  if (root) {
    walkSelections(walk, operation.selectionSet, {
      parent: root,
      multiplier: 1,
      distinct: 1,
      detailsKnown: false,
      detailsCounted: { value: false },
    });
  }
  return cost;
}
