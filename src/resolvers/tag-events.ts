import { GraphQLError } from 'graphql';
import type { GatewayContext } from './context';
import { gatewayError, missingToken, toGraphQLError, type ErrorCode } from './errors';
import type { SubscriptionResolvers, TagEventResolvers } from '../generated/resolvers-types';
import { SubscriptionLimitError, type SubscriptionBound } from '../subscriptions/limit-error';
import type { TagEventModel, TagEventPayload } from '../subscriptions/tag-events';
import type { RepositoryRef } from '../swr/client';
import { tagGlobalId } from './ids';
import { repositoryRef } from './refs';

/** `Subscription.tagEvents` and its events: names checked, then the watchers' stream. */

const BOUND_CODES: Record<SubscriptionBound, ErrorCode> = {
  subscriptionsPerToken: 'TOO_MANY_SUBSCRIPTIONS',
  watchers: 'SUBSCRIPTIONS_EXHAUSTED',
};

/** The watchers' refusal of a new subscription, with its code and the setting that bounds it. */
function refusedSubscription(error: unknown): unknown {
  if (!(error instanceof SubscriptionLimitError)) return error;
  return gatewayError(BOUND_CODES[error.bound], error.message, { limits: error.limits });
}

/** The error that ended a subscription: SWR's, mapped as every resolver's is, or a failed watch. */
function endedSubscription(error: unknown, { namespace, name }: RepositoryRef): GraphQLError {
  const mapped = toGraphQLError(error, `the repository ${namespace}/${name}`);
  return mapped instanceof GraphQLError
    ? mapped
    : gatewayError('UPSTREAM_ERROR', `Watching the repository ${namespace}/${name} failed.`);
}

function subscribe(
  namespace: string,
  repository: string,
  context: GatewayContext,
): AsyncIterableIterator<TagEventPayload> {
  // Names first: a bad one never starts a watcher or reaches SWR.
  const ref = repositoryRef(namespace, repository, { namespace: 'namespace', name: 'repository' });
  if (context.token === null) throw missingToken();
  if (context.tagEvents === null) {
    throw gatewayError('SUBSCRIPTIONS_EXHAUSTED', 'This server does not serve subscriptions.');
  }
  try {
    return context.tagEvents.subscribe(context.token, ref);
  } catch (error) {
    throw refusedSubscription(error);
  }
}

export const tagEventSubscription: SubscriptionResolvers['tagEvents'] = {
  subscribe: (_, { namespace, repository }, context) => subscribe(namespace, repository, context),
  // The error that ends a subscription arrives as its last payload.
  resolve: (payload: TagEventPayload): TagEventModel => {
    if ('error' in payload) throw endedSubscription(payload.error, payload.repository);
    return payload;
  },
};

export const tagEventFields: TagEventResolvers = {
  kind: ({ change }) => change.kind,
  tagId: ({ change, repository }) => tagGlobalId(repository, change.tag.Tag),
  name: ({ change }) => change.tag.Tag,
  tag: ({ change, repository }) =>
    change.kind === 'DELETED' ? null : { tag: change.tag, repository },
  updatedAt: ({ change }) => change.tag.updated,
  previousDigest: ({ change }) => change.previousDigest,
  observedAt: ({ observedAt }) => observedAt,
  repository: ({ repository }) => repository,
};
