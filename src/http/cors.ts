/**
 * CORS for `/graphql`. The token travels in a header, never in a cookie, so credentials are
 * never allowed, and by default any origin may call (`*`), as GitHub's API answers. CORS_ORIGINS
 * narrows that to an allowlist: an origin not on it gets no `Access-Control-Allow-Origin`, and
 * the browser keeps the answer from the page.
 */

/** The request headers a page may send: the token, the body's type, trace context, a request id. */
const ALLOWED_HEADERS = 'X-Auth-Token, Authorization, Content-Type, traceparent, X-Request-Id';
/** The response headers a page may read beyond the plain ones. */
const EXPOSED_HEADERS = 'X-Request-Id';
const ALLOWED_METHODS = 'GET, POST, OPTIONS';
/** How long a browser may reuse a preflight's answer (Chromium caps it at two hours). */
const PREFLIGHT_MAX_AGE_SECONDS = 7200;

/** The allowed origins; null for any. */
export type CorsOrigins = readonly string[] | null;

/** The CORS headers of an answer to a request from `origin` (the `Origin` header, if any). */
export function corsHeaders(
  allowed: CorsOrigins,
  origin: string | undefined,
): Record<string, string> {
  if (allowed === null) {
    return { 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSED_HEADERS };
  }
  // The answer depends on the origin: caches must keep one per origin.
  const headers: Record<string, string> = { vary: 'Origin' };
  if (origin !== undefined && allowed.includes(origin)) {
    headers['access-control-allow-origin'] = origin;
    headers['access-control-expose-headers'] = EXPOSED_HEADERS;
  }
  return headers;
}

/** The headers of the answer to a preflight (`OPTIONS`): nothing is allowed to an origin not allowed. */
export function preflightHeaders(
  allowed: CorsOrigins,
  origin: string | undefined,
): Record<string, string> {
  const headers = corsHeaders(allowed, origin);
  if (headers['access-control-allow-origin'] === undefined) return headers;
  return {
    ...headers,
    'access-control-allow-methods': ALLOWED_METHODS,
    'access-control-allow-headers': ALLOWED_HEADERS,
    'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
  };
}
