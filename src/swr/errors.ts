import { isRecord } from './records';

/**
 * Errors of the SWR client, typed by what went wrong upstream. They know nothing of GraphQL:
 * `src/resolvers/errors.ts` maps them to GraphQL error codes, in one place.
 */

/** The details SWR gives about a failure, from any of its three error-body shapes. */
export interface SwrErrorDetail {
  errorCode?: string;
  errorMessage?: string;
}

export type SwrFailure =
  /** The upstream answered with a non-2xx status. */
  | 'status'
  /** The upstream answered 2xx with a body that is not what the endpoint documents. */
  | 'malformed'
  /** The upstream could not be reached, or the connection broke. */
  | 'network'
  /** The upstream did not answer in time. */
  | 'timeout';

/**
 * Why the gateway cannot serve a list exactly from this server (a variant it cannot work
 * around): a stable code for programs and a sentence for people.
 */
export interface ServingReason {
  code: 'LIST_TOO_LONG' | 'TAG_NAME_ORDER_UNSUPPORTED' | 'FOREIGN_REPOSITORY';
  message: string;
}

export class SwrError extends Error {
  constructor(
    readonly failure: SwrFailure,
    message: string,
    readonly status?: number,
    readonly detail: SwrErrorDetail = {},
    options?: { cause?: unknown; retryAfterMs?: number | null; reason?: ServingReason },
  ) {
    super(message, options);
    this.name = 'SwrError';
    this.retryAfterMs = options?.retryAfterMs ?? null;
    this.reason = options?.reason ?? null;
  }

  /** The upstream's `Retry-After`, in milliseconds, when it sent one. */
  readonly retryAfterMs: number | null;
  /** Why the answers cannot be served exactly, when that is the failure. */
  readonly reason: ServingReason | null;
}

/** An upstream error that says why the gateway cannot serve the list exactly. */
/** The GraphQL request's deadline has passed: no attempt starts, and one in flight is cut. */
export function deadlinePassed(): SwrError {
  return new SwrError('timeout', 'The request deadline has passed');
}

export function cannotServe(reason: ServingReason, cause?: unknown): SwrError {
  return new SwrError('malformed', reason.message, undefined, {}, { reason, cause });
}

/** SWR's throttling answers besides 429: too many requests (403) and system busy (409). */
const THROTTLING_CODES = new Set([
  'SVCSTG.SWR.4031032',
  'SVCSTG.SWR.4031042',
  'SVCSTG.SWR.4090023',
]);

/** Whether SWR (or the API gateway in front of it) is throttling the caller. */
export function isThrottling(error: SwrError): boolean {
  return (
    error.status === 429 ||
    (error.detail.errorCode !== undefined && THROTTLING_CODES.has(error.detail.errorCode))
  );
}

/** SWR's answer when no token reached it. */
const NO_TOKEN_CODE = 'SVCSTG.SWR.4001048';

/**
 * How SWR refused a request where asking again would meet the same answer: the token (missing,
 * invalid or expired), the access to what was asked for, or its existence. Throttling is none.
 */
export type SwrRefusal = 'token' | 'access' | 'missing';

export function refusalOf(error: SwrError): SwrRefusal | null {
  if (error.failure !== 'status') return null;
  const status = error.status ?? 0;
  if (status === 401 || (status === 400 && error.detail.errorCode === NO_TOKEN_CODE)) {
    return 'token';
  }
  if (isThrottling(error)) return null;
  if (status === 403) return 'access';
  if (status === 404) return 'missing';
  return null;
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Reads SWR's error details from a body of any of the shapes seen: the reference docs' bare
 * array `[{errorCode, errorMessage, detail}]`, the live server's `{errors: [...]}`, the newer
 * `{error_code, error_msg}`, and an API gateway's `{error: {code, message}}` in front of SWR.
 * Anything else (empty, HTML from a proxy) gives no details.
 */
export function parseErrorBody(text: string): SwrErrorDetail {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {};
  }
  if (isRecord(body) && Array.isArray(body.errors)) body = body.errors;
  if (isRecord(body) && isRecord(body.error)) body = body.error;
  if (Array.isArray(body)) body = body[0];
  if (!isRecord(body)) return {};
  const errorCode =
    stringField(body, 'errorCode') ?? stringField(body, 'error_code') ?? stringField(body, 'code');
  const errorMessage =
    stringField(body, 'errorMessage') ??
    stringField(body, 'error_msg') ??
    stringField(body, 'message');
  return {
    ...(errorCode === undefined ? {} : { errorCode }),
    ...(errorMessage === undefined ? {} : { errorMessage }),
  };
}
