import type { Loaders } from '../loaders/request-loaders';
import type { UpstreamSession } from '../loaders/session';
import type { TagEventSource } from '../subscriptions/tag-events';

/**
 * The per-request context: the caller's token and loaders made for this request alone, so no
 * cache outlives a request or is shared between callers.
 */
export interface GatewayContext {
  /** The caller's SWR token, or null when the request carried none. */
  token: string | null;
  /** The request's loaders; null without a token, as nothing may then reach SWR. */
  loaders: Loaders | null;
  /** The client with the caller's token, for changes (mutations); null without a token. */
  session: UpstreamSession | null;
  /** The process's tag watchers (`Subscription.tagEvents`); null where none are served. */
  tagEvents: TagEventSource | null;
}
