import type { GatewayContext } from './context';
import { gatewayError, missingToken } from './errors';
import type { SubscriptionResolvers, TagEventResolvers } from '../generated/resolvers-types';
import type { TagEventModel, TagEventPayload } from '../subscriptions/tag-events';
import { tagGlobalId } from './ids';
import { repositoryRef } from './refs';

/** `Subscription.tagEvents` and its events: names checked, then the watchers' stream. */

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
  return context.tagEvents.subscribe(context.token, ref);
}

export const tagEventSubscription: SubscriptionResolvers['tagEvents'] = {
  subscribe: (_, { namespace, repository }, context) => subscribe(namespace, repository, context),
  // The error that ends a subscription arrives as its last payload.
  resolve: (payload: TagEventPayload): TagEventModel => {
    if ('error' in payload) throw payload.error;
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
