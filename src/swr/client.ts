import { Pool } from 'undici';
import { SwrError, parseErrorBody } from './errors';
import { decodeJson } from './json';
import { pathSegment, repositorySegment } from './names';
import { isDateTime } from './time';
import { UpstreamPolicy, parseRetryAfter, type UpstreamPolicyOptions } from './policy';
import type { SwrPage, SwrTag, SwrTagListQuery } from './types';

/**
 * The client of SWR's REST API. It knows nothing of GraphQL: it sends requests that satisfy
 * every rule SWR enforces, and turns every answer that is not the documented success into a
 * typed `SwrError`.
 *
 * Policy, in one place:
 * - Connections: one keep-alive pool to the endpoint's origin, at most `maxConnections` open.
 * - Timeouts: `timeoutMs` to connect, `timeoutMs` for the response headers, and `timeoutMs`
 *   between body chunks; a timeout is a `SwrError` of failure `timeout`. No request outlives
 *   the GraphQL request's deadline.
 * - Retries and the circuit: `UpstreamPolicy` (./policy.ts).
 * - Authentication: the caller's token, sent as `X-Auth-Token`, never stored here.
 * - Tracing: the GraphQL request's id goes along as `X-Request-Id`.
 * - Bodies: parsed without losing precision on integers beyond 2^53.
 */

/** What the client reports of every upstream attempt, for metrics. */
export interface UpstreamAttempt {
  operation: string;
  /** `ok`, or the failure (`status`, `malformed`, `network`, `timeout`). */
  outcome: 'ok' | SwrError['failure'];
  status: number | null;
  durationMs: number;
}

export interface SwrClientOptions {
  endpoint: string;
  timeoutMs: number;
  maxConnections: number;
  policy?: UpstreamPolicyOptions;
  onAttempt?: (attempt: UpstreamAttempt) => void;
}

/** The GraphQL request an upstream call is made for. */
export interface UpstreamCall {
  requestId?: string;
  /**
   * The GraphQL request's deadline (ms since the epoch): no attempt starts after it, and an
   * attempt that could outlast it is aborted when it passes.
   */
  deadline: number;
  /** Told of every attempt sent, retries included. */
  onAttempt?: () => void;
}

export interface RepositoryRef {
  namespace: string;
  name: string;
}

const TIMEOUT_CODES = new Set([
  // The only abort is the request deadline's.
  'UND_ERR_ABORTED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** No list is longer than GraphQL's `Int` counts. */
const MAX_TOTAL = 2 ** 31 - 1;

/** The total from `Content-Range: {offset}-{count}/{total}`; only the total is reliable. */
function totalFromContentRange(header: string | string[] | undefined): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value === undefined ? null : /\/\s*(\d{1,10})\s*$/.exec(value);
  const total = match ? Number(match[1]) : null;
  return total !== null && total <= MAX_TOTAL ? total : null;
}

const STRING_FIELDS = [
  'Tag',
  'image_id',
  'manifest',
  'digest',
  'path',
  'internal_path',
  'domain_id',
] as const;

function isSize(value: unknown): value is number | bigint {
  return typeof value === 'bigint'
    ? value >= 0n
    : typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Whether an element of the tag list has every field the schema promises, of the right kind.
 * A tag that fails makes the whole answer malformed: an upstream error, never a crash later.
 */
function isSwrTag(value: unknown): value is SwrTag {
  if (typeof value !== 'object' || value === null) return false;
  const tag = value as Record<string, unknown>;
  for (const field of STRING_FIELDS) if (typeof tag[field] !== 'string') return false;
  return (
    isDateTime(tag.created) &&
    isDateTime(tag.updated) &&
    (tag.deleted === null || tag.deleted === undefined || isDateTime(tag.deleted)) &&
    Number.isInteger(tag.schema) &&
    Number.isInteger(tag.tag_type) &&
    typeof tag.is_trusted === 'boolean' &&
    isSize(tag.size)
  );
}

function failureOf(error: unknown): SwrError {
  if (error instanceof SwrError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  const code = (error as { code?: unknown } | null)?.code;
  if (name === 'TimeoutError' || (typeof code === 'string' && TIMEOUT_CODES.has(code))) {
    return new SwrError('timeout', 'SWR did not answer in time', undefined, {}, { cause: error });
  }
  return new SwrError('network', 'SWR could not be reached', undefined, {}, { cause: error });
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export class SwrClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  readonly policy: UpstreamPolicy;
  private readonly timeoutMs: number;
  private readonly onAttempt: ((attempt: UpstreamAttempt) => void) | undefined;

  constructor(options: SwrClientOptions) {
    this.policy = new UpstreamPolicy(options.policy);
    this.timeoutMs = options.timeoutMs;
    this.onAttempt = options.onAttempt;
    const url = new URL(options.endpoint);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: options.maxConnections,
      keepAliveTimeout: 10_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: { timeout: options.timeoutMs },
    });
  }

  /** One page of a repository's tags: `GET /v2/manage/namespaces/{ns}/repos/{repo}/tags`. */
  async listTags(
    token: string,
    repository: RepositoryRef,
    query: SwrTagListQuery,
    call: UpstreamCall,
  ): Promise<SwrPage<SwrTag>> {
    const params = new URLSearchParams({
      offset: String(query.offset),
      limit: String(query.limit),
      order_column: query.orderColumn,
      order_type: query.orderType,
    });
    if (query.tag !== undefined) params.set('tag', query.tag);
    const path =
      `${this.basePath}/v2/manage/namespaces/${pathSegment(repository.namespace)}` +
      `/repos/${repositorySegment(repository.name)}/tags?${params.toString()}`;
    return this.getPage('listTags', token, path, isSwrTag, call);
  }

  /** A GET of one page of a list, under the upstream policy. */
  private getPage<T>(
    operation: string,
    token: string,
    path: string,
    isItem: (value: unknown) => value is T,
    call: UpstreamCall,
  ): Promise<SwrPage<T>> {
    return this.policy.run(() => this.attempt(operation, token, path, isItem, call), call.deadline);
  }

  private async attempt<T>(
    operation: string,
    token: string,
    path: string,
    isItem: (value: unknown) => value is T,
    call: UpstreamCall,
  ): Promise<SwrPage<T>> {
    const started = performance.now();
    call.onAttempt?.();
    try {
      const page = await this.send(token, path, isItem, call);
      this.report(operation, 'ok', 200, started);
      return page;
    } catch (error) {
      const failure = failureOf(error);
      this.report(operation, failure.failure, failure.status ?? null, started);
      throw failure;
    }
  }

  private report(
    operation: string,
    outcome: UpstreamAttempt['outcome'],
    status: number | null,
    started: number,
  ): void {
    this.onAttempt?.({ operation, outcome, status, durationMs: performance.now() - started });
  }

  private async send<T>(
    token: string,
    path: string,
    isItem: (value: unknown) => value is T,
    call: UpstreamCall,
  ): Promise<SwrPage<T>> {
    const remainingMs = call.deadline - Date.now();
    if (remainingMs <= 0) throw new SwrError('timeout', 'The request deadline has passed');
    const response = await this.pool.request({
      method: 'GET',
      path,
      headers: {
        'x-auth-token': token,
        'content-type': 'application/json',
        accept: 'application/json',
        ...(call.requestId === undefined ? {} : { 'x-request-id': call.requestId }),
      },
      // undici's timeouts bound each of the three phases (connect, headers, body); an attempt
      // that could outlast the deadline that way is bounded by the deadline itself.
      ...(remainingMs < 3 * this.timeoutMs ? { signal: AbortSignal.timeout(remainingMs) } : {}),
    });
    const statusCode = response.statusCode;
    const text = await response.body.text();
    if (statusCode !== 200) {
      throw new SwrError('status', `SWR answered ${statusCode}`, statusCode, parseErrorBody(text), {
        retryAfterMs: parseRetryAfter(header(response.headers['retry-after']), Date.now()),
      });
    }
    const contentRange = response.headers['content-range'];
    let body: unknown;
    try {
      body = decodeJson(text);
    } catch (error) {
      throw new SwrError(
        'malformed',
        'SWR answered with a body that is not JSON',
        200,
        {},
        {
          cause: error,
        },
      );
    }
    if (!Array.isArray(body) || !body.every(isItem)) {
      throw new SwrError('malformed', 'SWR answered with a list of an unexpected shape', 200);
    }
    const total = totalFromContentRange(contentRange);
    if (total === null) {
      throw new SwrError('malformed', 'SWR answered without a Content-Range total', 200);
    }
    return { items: body, total };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
