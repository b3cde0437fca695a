import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  Kind,
  getNamedType,
  getVariableValues,
  isAbstractType,
  isCompositeType,
  valueFromAST,
  type DocumentNode,
  type ExecutionArgs,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { PAGE_LIMITS } from '../resolvers/connection';
import { MAX_NODE_IDS } from '../resolvers/nodes';
import { namespaceFields, repositoryDetailFields } from '../resolvers/registry';

/**
 * Query limits, checked before execution so that an expensive query costs SWR nothing:
 * graphql-armor's depth, alias, token and directive limits, and a cost model that counts what
 * SWR would be asked for.
 *
 * Cost model: a field that reads SWR costs one request (a tag or repository list two, as `last`
 * without `before` needs two), multiplied by how many times it can run — the page sizes of the
 * connections around it (`first` or `last`, else the default 20), and for `_entities` the
 * representations of each type. A repository's or an organization's details (its scalar fields
 * beyond the names) cost one request per object they can belong to, unless a list brought them
 * along; the tags of one connection share their repository. Nodes: the tags and repositories a
 * query can return, summed the same way. Both are worst cases: loaders often need fewer
 * requests. `namespaces` counts as one organization.
 */

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  /** The most SWR requests one query may need, by the cost model, before it runs. */
  maxUpstreamRequests: number;
  /**
   * The most SWR requests one query may make while it runs: no request is sent once this many
   * attempts, retries included, were made. A net under the cost model, for what no estimate
   * foresees (an organization count, a retry storm).
   */
  maxUpstreamAttempts: number;
  /** The most tags and repositories one query may return. */
  maxNodes: number;
  /** Hide "Did you mean …?" suggestions, which reveal the schema. */
  blockFieldSuggestions: boolean;
}

export const DEFAULT_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 2_000,
  maxDirectives: 20,
  maxUpstreamRequests: 50,
  maxUpstreamAttempts: 100,
  maxNodes: 5_000,
  blockFieldSuggestions: true,
};

/** Fields that read SWR, by `Type.field`, with the requests each costs. */
const UPSTREAM_FIELDS: Record<string, number> = {
  'Query.namespaces': 1,
  'Query.namespace': 1,
  'Namespace.repositories': 2,
  'Mutation.deleteTag': 1,
  'Repository.tags': 2,
  'Repository.tag': 1,
  'Query.node': 1,
  // Per id (see `idCount`).
  'Query.nodes': 1,
};

/** Connection fields, whose children run once per edge. */
const CONNECTION_FIELDS = new Set(['Repository.tags', 'Namespace.repositories']);

/** Fields read from an object's details, which take one request per object (see registry.ts). */
const DETAIL_FIELDS: Record<string, ReadonlySet<string>> = {
  Repository: new Set(Object.keys(repositoryDetailFields)),
  Namespace: new Set(Object.keys(namespaceFields)),
};

/** What resolving a reference to an entity type costs (a tag is looked up by its name). */
const REFERENCE_COST = new Map([['Tag', 1]]);

/**
 * Fields below which the repositories and organizations are new ones rather than their parent's,
 * each with whether their details come along: from a list, or an organization read whole.
 */
const NEW_OBJECTS = new Map([
  ['Query.repository', { detailsLoaded: false }],
  ['Query.namespace', { detailsLoaded: true }],
  ['Query.namespaces', { detailsLoaded: true }],
  ['Query.node', { detailsLoaded: false }],
  ['Query.nodes', { detailsLoaded: false }],
  ['Namespace.repositories', { detailsLoaded: true }],
  // The change makes the request's loaders forget the repository.
  ['Mutation.deleteTag', { detailsLoaded: false }],
]);

export interface QueryCost {
  upstreamRequests: number;
  nodes: number;
}

function pageSize(args: Record<string, unknown>): number {
  const first = typeof args.first === 'number' ? args.first : null;
  const last = typeof args.last === 'number' ? args.last : null;
  if (first === null && last === null) return PAGE_LIMITS.defaultFirst;
  // Larger counts are refused by the resolver with BAD_USER_INPUT, not by the cost limit.
  return Math.max(0, Math.min(first ?? Infinity, last ?? Infinity, PAGE_LIMITS.maxPageSize));
}

/** How many objects `nodes(ids:)` fetches; more ids than allowed are refused by the resolver. */
function idCount(ids: unknown): number {
  return Array.isArray(ids) && ids.length <= MAX_NODE_IDS ? ids.length : 0;
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
  /** For the selections of `_entities`: how many representations resolve to each type. */
  entities?: Map<string, number>;
  /** For the selections of `_entities`: whether each type's details were counted already. */
  entityDetailsCounted?: Map<string, { value: boolean }>;
}

/** The cost of one operation with its variables, by walking its selections. */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): QueryCost {
  const cost: QueryCost = { upstreamRequests: 0, nodes: 0 };
  const visiting = new Set<string>();

  const argumentsOf = (
    selection: FieldNode,
    field: GraphQLField<unknown, unknown>,
  ): Record<string, unknown> => {
    const args: Record<string, unknown> = {};
    for (const argument of selection.arguments ?? []) {
      const definition = field.args.find((arg) => arg.name === argument.name.value);
      if (definition) {
        args[definition.name] = valueFromAST(argument.value, definition.type, variables);
      }
    }
    return args;
  };

  /**
   * The level of a fragment on `type`. Directly under `_entities`, it runs once per
   * representation of that type (of any of its object types, for an abstract one), and its
   * fragments on the same type share their details. Deeper fragments run on their parent's
   * objects.
   */
  const fragmentLevel = (level: Level, type: GraphQLCompositeType): Level => {
    const { entities, entityDetailsCounted } = level;
    if (!entities || !entityDetailsCounted) return { ...level, parent: type };
    const names = isAbstractType(type)
      ? schema.getPossibleTypes(type).map((possible) => possible.name)
      : [type.name];
    const count = names.reduce((sum, name) => sum + (entities.get(name) ?? 0), 0);
    const multiplier = level.multiplier * count;
    let detailsCounted = entityDetailsCounted.get(type.name);
    if (!detailsCounted) {
      detailsCounted = { value: false };
      entityDetailsCounted.set(type.name, detailsCounted);
    }
    return { parent: type, multiplier, distinct: multiplier, detailsKnown: false, detailsCounted };
  };

  const walk = (selectionSet: SelectionSetNode, level: Level): void => {
    const { parent, multiplier } = level;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments[selection.name.value];
        if (!fragment || visiting.has(fragment.name.value)) continue;
        visiting.add(fragment.name.value);
        const type = schema.getType(fragment.typeCondition.name.value);
        if (type && isCompositeType(type)) walk(fragment.selectionSet, fragmentLevel(level, type));
        visiting.delete(fragment.name.value);
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const name = selection.typeCondition?.name.value;
        const type = name === undefined ? parent : schema.getType(name);
        if (type && isCompositeType(type)) walk(selection.selectionSet, fragmentLevel(level, type));
        continue;
      }
      if (!('getFields' in parent)) continue;
      const field = parent.getFields()[selection.name.value];
      if (!field) continue;
      if (
        DETAIL_FIELDS[parent.name]?.has(field.name) &&
        !level.detailsKnown &&
        !level.detailsCounted.value
      ) {
        level.detailsCounted.value = true;
        cost.upstreamRequests += level.distinct;
      }
      if (!selection.selectionSet) continue;
      const type = getNamedType(field.type);
      if (!isCompositeType(type)) continue;
      const coordinate = `${parent.name}.${field.name}`;
      // `nodes` runs once per id, and its selections on each object.
      const count = coordinate === 'Query.nodes' ? idCount(argumentsOf(selection, field).ids) : 1;
      cost.upstreamRequests += (UPSTREAM_FIELDS[coordinate] ?? 0) * multiplier * count;
      const child: Level = {
        parent: type,
        multiplier: multiplier * count,
        distinct: level.distinct,
        detailsKnown: level.detailsKnown,
        detailsCounted: { value: false },
      };
      if (CONNECTION_FIELDS.has(coordinate)) {
        child.multiplier = multiplier * pageSize(argumentsOf(selection, field));
        cost.nodes += child.multiplier;
      }
      const objects = NEW_OBJECTS.get(coordinate);
      if (objects) {
        child.distinct = child.multiplier;
        child.detailsKnown = objects.detailsLoaded;
      }
      if (coordinate === 'Query._entities') {
        const { representations } = argumentsOf(selection, field);
        const entities = representationCounts(schema, representations);
        for (const [name, count] of entities) {
          cost.upstreamRequests += (REFERENCE_COST.get(name) ?? 0) * count * multiplier;
        }
        child.entities = entities;
        child.entityDetailsCounted = new Map();
      }
      walk(selection.selectionSet, child);
    }
  };

  const root = schema.getRootType(operation.operation);
  if (root) {
    walk(operation.selectionSet, {
      parent: root,
      multiplier: 1,
      distinct: 1,
      detailsKnown: false,
      detailsCounted: { value: false },
    });
  }
  return cost;
}

function selectedOperation(
  document: DocumentNode,
  operationName: string | null | undefined,
): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName) return operations.find((operation) => operation.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  return fragments;
}

/** Rejects, before execution, a query whose cost is over the limits. */
function useUpstreamCostLimit(limits: QueryLimits): Plugin {
  // Parsed documents are cached and reused by yoga, so their operations can key a cache.
  const costs = new WeakMap<OperationDefinitionNode, QueryCost>();
  return {
    onExecute({ args, setResultAndStopExecution }) {
      // envelop types the arguments loosely; they are graphql-js's execution arguments.
      const { document, operationName, schema, variableValues } = args as ExecutionArgs;
      const operation = selectedOperation(document, operationName);
      if (!operation) return;
      const variableDefinitions = operation.variableDefinitions ?? [];
      let cost = variableDefinitions.length === 0 ? costs.get(operation) : undefined;
      if (cost === undefined) {
        const coerced = getVariableValues(schema, variableDefinitions, variableValues ?? {});
        if (coerced.errors) return; // execution reports invalid variables itself
        cost = operationCost(schema, operation, fragmentsOf(document), coerced.coerced);
        // Without variables, an operation's cost depends on its document alone.
        if (variableDefinitions.length === 0) costs.set(operation, cost);
      }
      // Written to refuse a cost that is not a number, too.
      const over = !(cost.upstreamRequests <= limits.maxUpstreamRequests)
        ? `it may need ${cost.upstreamRequests} SWR requests, more than the ${limits.maxUpstreamRequests} allowed`
        : !(cost.nodes <= limits.maxNodes)
          ? `it may return ${cost.nodes} tags and repositories, more than the ${limits.maxNodes} allowed`
          : null;
      if (over === null) return;
      setResultAndStopExecution({
        errors: [
          new GraphQLError(
            `The query is too expensive: ${over}. Ask for smaller pages or fewer aliases.`,
            {
              extensions: {
                code: 'QUERY_TOO_EXPENSIVE',
                cost,
                limits: {
                  maxUpstreamRequests: limits.maxUpstreamRequests,
                  maxNodes: limits.maxNodes,
                },
              },
            },
          ),
        ],
      });
    },
  };
}

/**
 * graphql-armor's rejections, given a code and an HTTP status: armor reports them as plain
 * validation errors whose message starts with a misleading "Syntax Error:".
 */
function useCodedArmorErrors(rejected: WeakSet<GraphQLError>): Plugin {
  return {
    onValidate:
      () =>
      ({ result, setResult }) => {
        // envelop types the errors loosely; validation only ever reports GraphQL errors.
        const errors = result as readonly Error[];
        if (!errors.some((error) => error instanceof GraphQLError && rejected.has(error))) return;
        setResult(
          errors.map((error) =>
            error instanceof GraphQLError && rejected.has(error)
              ? new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
                  nodes: error.nodes,
                  extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } },
                })
              : error,
          ),
        );
      },
  };
}

/** The limit plugins for yoga (graphql-armor's are envelop plugins, which yoga also takes). */
export function queryLimitPlugins(
  limits: QueryLimits,
): [ReturnType<typeof EnvelopArmorPlugin>, Plugin, Plugin] {
  const rejected = new WeakSet<GraphQLError>();
  // A rejection is reported as a validation error (armor would throw it out of validation
  // instead) and marked, so that `useCodedArmorErrors` gives it its code.
  const onRejection = {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        rejected.add(error);
        context?.reportError(error);
      },
    ],
  };
  const armor = EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...onRejection },
    maxAliases: { n: limits.maxAliases, ...onRejection },
    maxTokens: { n: limits.maxTokens },
    maxDirectives: { n: limits.maxDirectives, ...onRejection },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: limits.blockFieldSuggestions },
  });
  return [armor, useCodedArmorErrors(rejected), useUpstreamCostLimit(limits)];
}
