import { limitConcurrency } from '../loaders/concurrency';
import { createRequestLoaders } from '../loaders/request-loaders';
import type { UpstreamSession } from '../loaders/session';
import type { GatewayContext } from '../resolvers/context';
import { upstreamBudgetSpent } from '../resolvers/errors';
import type { TagEventSource } from '../subscriptions/tag-events';
import type { RequestRecord } from './request-record';
import type { SwrClient } from '../swr/client';

/**
 * The context of one request yoga serves: what the resolvers see (resolvers/context.ts) and the
 * HTTP layer's record of the request, which yoga's plugins fill in.
 */
export interface ServedContext extends GatewayContext {
  request: RequestRecord;
}

export interface ContextOptions {
  /** The most upstream requests in flight for one GraphQL request. */
  upstreamConcurrency: number;
  /** How long one GraphQL request may spend on upstream requests, retries included. */
  deadlineMs: number;
  /** The most upstream attempts one GraphQL request may make, retries included. */
  maxUpstreamAttempts: number;
  /** The longest tag list ordered by version (read whole and sorted in memory). */
  versionOrderMaxTags: number;
  tagEvents?: TagEventSource | null;
}

/** An IAM token is a long printable string; anything else could never authenticate. */
const TOKEN = /^[\x21-\x7e]{1,16384}$/;

/**
 * The caller's token from `X-Auth-Token`, or from `Authorization: Bearer <token>`. A value
 * that is not a plausible token counts as none: it could not be sent on as a header anyway.
 */
export function tokenFrom(headers: Headers): string | null {
  const direct = headers.get('x-auth-token')?.trim();
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.get('authorization') ?? '')?.[1];
  const token = direct || bearer;
  return token !== undefined && TOKEN.test(token) ? token : null;
}

export function createContext(
  client: SwrClient,
  headers: Headers,
  record: RequestRecord,
  options: ContextOptions,
): ServedContext {
  const token = tokenFrom(headers);
  const tagEvents = options.tagEvents ?? null;
  if (token === null) return { token, loaders: null, session: null, request: record, tagEvents };
  const session: UpstreamSession = {
    client,
    token,
    limit: limitConcurrency(options.upstreamConcurrency),
    call: {
      requestId: record.id,
      trace: record.trace,
      ...(record.signal && { signal: record.signal }),
      deadline: Date.now() + options.deadlineMs,
      onAttempt: () => {
        record.upstreamCalls++;
      },
      admit: () => {
        if (record.upstreamCalls >= options.maxUpstreamAttempts) {
          throw upstreamBudgetSpent(options.maxUpstreamAttempts);
        }
      },
    },
  };
  return {
    token,
    loaders: createRequestLoaders(session, options.versionOrderMaxTags),
    session,
    request: record,
    tagEvents,
  };
}
