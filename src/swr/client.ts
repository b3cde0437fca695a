import { Pool } from 'undici';
import { SwrError, parseErrorBody } from './errors';
import { decodeJson } from './json';
import { pathSegment, repositorySegment } from './names';
import { UpstreamPolicy, parseRetryAfter, type UpstreamPolicyOptions } from './policy';
import {
  isSwrNamespace,
  isSwrNamespaceList,
  isSwrRepositoryDetails,
  isSwrRepositorySummary,
  isSwrTag,
} from './records';
import type {
  SwrNamespace,
  SwrPage,
  SwrRepositoryDetails,
  SwrRepositoryListQuery,
  SwrRepositorySummary,
  SwrTag,
  SwrTagListQuery,
} from './types';

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
 * - Retries and the circuit: `UpstreamPolicy` (./policy.ts). GETs may be retried; a DELETE is
 *   sent exactly once, whatever happens, since a retry could repeat a change.
 * - Authentication: the caller's token, sent as `X-Auth-Token`, never stored here.
 * - Tracing: the GraphQL request's id goes along as `X-Request-Id`; an `observeAttempt` hook
 *   (tracing) is told of every attempt and may add headers to it (`traceparent`).
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

/** An attempt about to be sent, as an observer sees it: no token, no names, no query. */
export interface AttemptStart {
  operation: string;
  method: Method;
  /** The route as a template, e.g. `/v2/manage/namespaces/{namespace}/repos/{repository}/tags`. */
  route: string;
  /** 0 for the first attempt of a request, 1 for its first retry, … */
  retry: number;
}

/** How an attempt ended: the outcome, SWR's status and its error code when it sent one. */
export interface AttemptEnd {
  outcome: UpstreamAttempt['outcome'];
  status: number | null;
  errorCode: string | undefined;
}

/** What an observer does with one attempt: headers to send with it, and a call when it ends. */
export interface AttemptWatch {
  headers: Record<string, string>;
  end(result: AttemptEnd): void;
}

export type AttemptObserver = (attempt: AttemptStart) => AttemptWatch;

export interface SwrClientOptions {
  endpoint: string;
  timeoutMs: number;
  maxConnections: number;
  policy?: UpstreamPolicyOptions;
  onAttempt?: (attempt: UpstreamAttempt) => void;
  /** Told of every attempt before it is sent (tracing); its headers go along. */
  observeAttempt?: AttemptObserver;
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
  /** Asked before each request (not before its retries); throws to refuse it unsent. */
  admit?: () => void;
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
function totalFromContentRange(value: string | undefined): number | null {
  const match = value === undefined ? null : /\/\s*(\d{1,10})\s*$/.exec(value);
  const total = match ? Number(match[1]) : null;
  return total !== null && total <= MAX_TOTAL ? total : null;
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

type Method = 'GET' | 'DELETE';

/** Each operation's route, as a template: what tracing records instead of the path. */
const ROUTES: Record<string, string> = {
  listTags: '/v2/manage/namespaces/{namespace}/repos/{repository}/tags',
  listNamespaces: '/v2/manage/namespaces',
  getNamespace: '/v2/manage/namespaces/{namespace}',
  listRepositories: '/v2/manage/repos',
  getRepository: '/v2/manage/namespaces/{namespace}/repos/{repository}',
  deleteTag: '/v2/manage/namespaces/{namespace}/repos/{repository}/tags/{tag}',
};

/** The statuses that mean success: SWR answers a DELETE with 204 (200 is taken as well). */
const SUCCESS: Record<Method, readonly number[]> = { GET: [200], DELETE: [204, 200] };

/** A successful answer, before its body is read. */
interface Answer {
  status: number;
  contentRange: string | undefined;
  text: string;
}

function jsonOf(answer: Answer): unknown {
  try {
    return decodeJson(answer.text);
  } catch (error) {
    throw new SwrError(
      'malformed',
      'SWR answered with a body that is not JSON',
      answer.status,
      {},
      {
        cause: error,
      },
    );
  }
}

/** Reads a page of a list: a JSON array of `isItem` records, and the `Content-Range` total. */
function pageOf<T>(isItem: (value: unknown) => value is T): (answer: Answer) => SwrPage<T> {
  return (answer) => {
    const body = jsonOf(answer);
    if (!Array.isArray(body) || !body.every(isItem)) {
      throw new SwrError('malformed', 'SWR answered with a list of an unexpected shape', 200);
    }
    const total = totalFromContentRange(answer.contentRange);
    if (total === null) {
      throw new SwrError('malformed', 'SWR answered without a Content-Range total', 200);
    }
    return { items: body, total };
  };
}

/** Reads one JSON object that `isBody` accepts. */
function objectOf<T>(isBody: (value: unknown) => value is T): (answer: Answer) => T {
  return (answer) => {
    const body = jsonOf(answer);
    if (!isBody(body)) {
      throw new SwrError('malformed', 'SWR answered with an object of an unexpected shape', 200);
    }
    return body;
  };
}

export class SwrClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  readonly policy: UpstreamPolicy;
  private readonly timeoutMs: number;
  private readonly onAttempt: ((attempt: UpstreamAttempt) => void) | undefined;
  private readonly observeAttempt: AttemptObserver | undefined;

  constructor(options: SwrClientOptions) {
    this.policy = new UpstreamPolicy(options.policy);
    this.timeoutMs = options.timeoutMs;
    this.onAttempt = options.onAttempt;
    this.observeAttempt = options.observeAttempt;
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
  listTags(
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
    const path = `${this.repositoryPath(repository)}/tags?${params.toString()}`;
    return this.request('listTags', 'GET', token, path, call, pageOf(isSwrTag));
  }

  /** The organizations the token may see: `GET /v2/manage/namespaces` (not paged). */
  async listNamespaces(token: string, call: UpstreamCall): Promise<SwrNamespace[]> {
    const path = `${this.basePath}/v2/manage/namespaces`;
    const body = await this.request(
      'listNamespaces',
      'GET',
      token,
      path,
      call,
      objectOf(isSwrNamespaceList),
    );
    return body.namespaces;
  }

  /** One organization: `GET /v2/manage/namespaces/{namespace}`. */
  getNamespace(token: string, namespace: string, call: UpstreamCall): Promise<SwrNamespace> {
    const path = this.namespacePath(namespace);
    return this.request('getNamespace', 'GET', token, path, call, objectOf(isSwrNamespace));
  }

  /** One page of an organization's repositories: `GET /v2/manage/repos`. */
  listRepositories(
    token: string,
    query: SwrRepositoryListQuery,
    call: UpstreamCall,
  ): Promise<SwrPage<SwrRepositorySummary>> {
    const params = new URLSearchParams({
      namespace: query.namespace,
      offset: String(query.offset),
      limit: String(query.limit),
      order_column: query.orderColumn,
      order_type: query.orderType,
    });
    if (query.name !== undefined) params.set('name', query.name);
    if (query.category !== undefined) params.set('category', query.category);
    const path = `${this.basePath}/v2/manage/repos?${params.toString()}`;
    return this.request(
      'listRepositories',
      'GET',
      token,
      path,
      call,
      pageOf(isSwrRepositorySummary),
    );
  }

  /** One repository's details: `GET /v2/manage/namespaces/{namespace}/repos/{repository}`. */
  getRepository(
    token: string,
    repository: RepositoryRef,
    call: UpstreamCall,
  ): Promise<SwrRepositoryDetails> {
    const path = this.repositoryPath(repository);
    return this.request(
      'getRepository',
      'GET',
      token,
      path,
      call,
      objectOf(isSwrRepositoryDetails),
    );
  }

  /**
   * Deletes one tag: `DELETE /v2/manage/namespaces/{ns}/repos/{repo}/tags/{tag}`, 204. Sent
   * exactly once: never retried, whatever the failure.
   */
  async deleteTag(
    token: string,
    repository: RepositoryRef,
    tag: string,
    call: UpstreamCall,
  ): Promise<void> {
    const path = `${this.repositoryPath(repository)}/tags/${pathSegment(tag)}`;
    await this.request('deleteTag', 'DELETE', token, path, call, () => undefined);
  }

  private namespacePath(namespace: string): string {
    return `${this.basePath}/v2/manage/namespaces/${pathSegment(namespace)}`;
  }

  private repositoryPath(repository: RepositoryRef): string {
    return `${this.namespacePath(repository.namespace)}/repos/${repositorySegment(repository.name)}`;
  }

  /** One request under the upstream policy: only a GET may be retried. */
  private async request<T>(
    operation: string,
    method: Method,
    token: string,
    path: string,
    call: UpstreamCall,
    read: (answer: Answer) => T,
  ): Promise<T> {
    call.admit?.();
    let retry = 0;
    return this.policy.run(
      () => this.attempt(operation, method, token, path, call, read, retry++),
      call.deadline,
      { idempotent: method === 'GET' },
    );
  }

  private async attempt<T>(
    operation: string,
    method: Method,
    token: string,
    path: string,
    call: UpstreamCall,
    read: (answer: Answer) => T,
    retry: number,
  ): Promise<T> {
    const started = performance.now();
    call.onAttempt?.();
    const watch = this.observeAttempt?.({
      operation,
      method,
      route: ROUTES[operation] ?? operation,
      retry,
    });
    try {
      const answer = await this.send(method, token, path, call, watch?.headers);
      const result = read(answer);
      this.report(operation, 'ok', answer.status, started);
      watch?.end({ outcome: 'ok', status: answer.status, errorCode: undefined });
      return result;
    } catch (error) {
      const failure = failureOf(error);
      const status = failure.status ?? null;
      this.report(operation, failure.failure, status, started);
      watch?.end({ outcome: failure.failure, status, errorCode: failure.detail.errorCode });
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

  /** Sends one request; any status but the method's success is a `SwrError` of failure `status`. */
  private async send(
    method: Method,
    token: string,
    path: string,
    call: UpstreamCall,
    extraHeaders: Record<string, string> | undefined,
  ): Promise<Answer> {
    const remainingMs = call.deadline - Date.now();
    if (remainingMs <= 0) throw new SwrError('timeout', 'The request deadline has passed');
    const response = await this.pool.request({
      method,
      path,
      headers: {
        ...extraHeaders,
        'x-auth-token': token,
        'content-type': 'application/json',
        accept: 'application/json',
        ...(call.requestId === undefined ? {} : { 'x-request-id': call.requestId }),
      },
      // undici's timeouts bound each of the three phases (connect, headers, body); an attempt
      // that could outlast the deadline that way is bounded by the deadline itself.
      ...(remainingMs < 3 * this.timeoutMs ? { signal: AbortSignal.timeout(remainingMs) } : {}),
    });
    const status = response.statusCode;
    const text = await response.body.text();
    if (!SUCCESS[method].includes(status)) {
      throw new SwrError('status', `SWR answered ${status}`, status, parseErrorBody(text), {
        retryAfterMs: parseRetryAfter(header(response.headers['retry-after']), Date.now()),
      });
    }
    return { status, contentRange: header(response.headers['content-range']), text };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
