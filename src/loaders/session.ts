import type { SwrClient, UpstreamCall } from '../swr/client';
import type { Limiter } from './concurrency';

/** What a GraphQL request's loaders share: the client, the caller's token, the request. */
export interface UpstreamSession {
  client: SwrClient;
  token: string;
  call: UpstreamCall;
  /** Bounds the upstream requests the GraphQL request has in flight. */
  limit: Limiter;
}
