/**
 * A bound of the tag watchers that refuses a new subscription: the subscriptions one token may
 * hold, or the watchers the process may run. The resolver gives it its GraphQL code.
 */
export type SubscriptionBound = 'subscriptionsPerToken' | 'watchers';

export class SubscriptionLimitError extends Error {
  constructor(
    readonly bound: SubscriptionBound,
    message: string,
    /** The setting that bounds it, by name, for the caller to read. */
    readonly limits: Readonly<Record<string, number>>,
  ) {
    super(message);
    this.name = 'SubscriptionLimitError';
  }
}
