import {
  GraphQLError,
  Kind,
  getOperationAST,
  getVariableValues,
  type DocumentNode,
  type ExecutionArgs,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { operationCost, type QueryCost } from './cost';
import type { SchemaCosts } from './cost-schema';

/** The cost limit: a query whose cost (see cost.ts) is over the limits is refused unrun. */

function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  return fragments;
}

/** Rejects, before execution, a query whose cost is over the limits. */
export function useUpstreamCostLimit(
  limits: { maxUpstreamRequests: number; maxNodes: number },
  schemaCosts: SchemaCosts,
): Plugin {
  // Parsed documents are cached and reused by yoga, so their operations can key a cache.
  const costs = new WeakMap<OperationDefinitionNode, QueryCost>();
  return {
    onExecute({ args, setResultAndStopExecution }) {
      // envelop types the arguments loosely; they are graphql-js's execution arguments.
      const { document, operationName, schema, variableValues } = args as ExecutionArgs;
      const operation = getOperationAST(document, operationName);
      if (!operation) return;
      const variableDefinitions = operation.variableDefinitions ?? [];
      let cost = variableDefinitions.length === 0 ? costs.get(operation) : undefined;
      if (cost === undefined) {
        const coerced = getVariableValues(schema, variableDefinitions, variableValues ?? {});
        if (coerced.errors) return; // execution reports invalid variables itself
        cost = operationCost(schemaCosts, operation, fragmentsOf(document), coerced.coerced);
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
