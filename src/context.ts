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
}

export interface Loaders {
  tagWindows: DataLoader<TagWindowKey, TagWindow, string>;
  tagByName: DataLoader<TagNameKey, SwrTag | null, string>;
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
  upstreamConcurrency: number,
): GatewayContext {
  const token = tokenFrom(headers);
  if (token === null) return { token, loaders: null };
  const limit = limitConcurrency(upstreamConcurrency);
  return {
    token,
    loaders: {
      tagWindows: createTagWindowLoader(client, token, limit),
      tagByName: createTagByNameLoader(client, token, limit),
    },
  };
}
