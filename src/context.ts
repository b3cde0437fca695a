import type DataLoader from 'dataloader';
import { limitConcurrency } from './loaders/concurrency';
import { createTagByNameLoader, type TagNameKey } from './loaders/tag-by-name';
import { createTagWindowLoader, type TagWindow, type TagWindowKey } from './loaders/tag-windows';
import type { SwrClient } from './swr/client';
import type { SwrTag } from './swr/types';

/**
 * The per-request context: the caller's token and loaders made for this request alone, so no
 * cache outlives a request or is shared between callers.
 */
export interface GatewayContext {
  /** The caller's SWR token, or null when the request carried none. */
  token: string | null;
  /** The request's loaders; null without a token, as nothing may then reach SWR. */
  loaders: Loaders | null;
  request: RequestRecord;
}

export interface Loaders {
  tagWindows: DataLoader<TagWindowKey, TagWindow, string>;
  tagByName: DataLoader<TagNameKey, SwrTag | null, string>;
}

/** What the access log and the metrics learn about one HTTP request as it is served. */
export interface RequestRecord {
  id: string;
  operationName: string | null;
  /** Upstream attempts made for it, retries included. */
  upstreamCalls: number;
}

export interface ContextOptions {
  /** The most upstream requests in flight for one GraphQL request. */
  upstreamConcurrency: number;
  /** How long one GraphQL request may spend on upstream requests, retries included. */
  deadlineMs: number;
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
): GatewayContext {
  const token = tokenFrom(headers);
  if (token === null) return { token, loaders: null, request: record };
  const session = {
    client,
    token,
    limit: limitConcurrency(options.upstreamConcurrency),
    call: {
      requestId: record.id,
      deadline: Date.now() + options.deadlineMs,
      onAttempt: () => {
        record.upstreamCalls++;
      },
    },
  };
  return {
    token,
    loaders: {
      tagWindows: createTagWindowLoader(session),
      tagByName: createTagByNameLoader(session),
    },
    request: record,
  };
}
