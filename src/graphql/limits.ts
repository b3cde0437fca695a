import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { useUpstreamCostLimit } from './cost-limit';
import type { SchemaCosts } from './cost-schema';

/**
 * Query limits, checked before execution so that an expensive query costs SWR nothing:
 * graphql-armor's depth, alias, token and directive limits, and the cost model (cost.ts), which
 * counts what SWR would be asked for with the numbers the schema declares.
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
  /**
   * The longest tag list ordered by version: SWR cannot sort so, and the gateway reads such a
   * list whole (⌈length ÷ 1,000⌉ SWR requests) to sort it; a longer one is refused.
   */
  versionOrderMaxTags: number;
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
  versionOrderMaxTags: 10_000,
  blockFieldSuggestions: true,
};

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
  costs: SchemaCosts,
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
  return [armor, useCodedArmorErrors(rejected), useUpstreamCostLimit(limits, costs)];
}
