import { DEMO_TOKEN, type RecordedRequest } from '../../src/sandbox/server';

/** A request straight to the sandbox, as SWR's own clients send it, and what came back. */

export interface SandboxResponse {
  status: number;
  contentType: string | null;
  contentRange: string | null;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface SandboxRequestOptions {
  /** The demo token by default; null sends none. */
  token?: string | null;
  /** `application/json` by default; null sends none. */
  contentType?: string | null;
  method?: string;
}

export async function callSandbox(
  url: string,
  options: SandboxRequestOptions = {},
): Promise<SandboxResponse> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? DEMO_TOKEN : options.token;
  if (token !== null) headers['X-Auth-Token'] = token;
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
  if (contentType !== null) headers['Content-Type'] = contentType;
  const res = await fetch(url, { method: options.method ?? 'GET', headers });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    contentRange: res.headers.get('content-range'),
    text,
    json,
  };
}

// ---------------------------------------------------------------------------------------------
// SWR's error bodies, written out as SWR.md documents them (not taken from the sandbox's code)

export const NO_TOKEN_BODY = [
  { errorCode: 'SVCSTG.SWR.4001048', errorMessage: 'Failed to get Token from Context', detail: '' },
];
export const BAD_TOKEN_BODY = [
  {
    errorCode: 'SVCSTG.SWR.4010000',
    errorMessage: 'Authentication failed: token invalid or expired',
    detail: '',
  },
];
export const OFFSET_ERROR_BODY = {
  errors: [
    {
      errorCode: 'SVCSTG.SWR.4001072',
      errorMessage: 'Web Bad request error: param offset error',
      detail: 'Invalid parameter in filter',
    },
  ],
};
export const NAMESPACE_NOT_FOUND_BODY = {
  error_code: 'SVCSTG.SWR.4040058',
  error_msg: 'Organization not found',
};

/** The body of a 400 for invalid parameters, with its detail. */
export function invalidParameters(detail: string): unknown {
  return {
    errors: [
      {
        errorCode: 'SVCSTG.SWR.4001025',
        errorMessage: 'Web Bad request error: invalid parameters',
        detail,
      },
    ],
  };
}

/**
 * A request log without its times, for comparing with what was sent; fails unless every entry
 * was answered no earlier than it arrived.
 */
export function untimed(
  log: readonly RecordedRequest[],
): Omit<RecordedRequest, 'startedAt' | 'endedAt'>[] {
  return log.map(({ startedAt, endedAt, ...entry }) => {
    expect(endedAt).toBeGreaterThanOrEqual(startedAt);
    return entry;
  });
}
