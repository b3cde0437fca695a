import { Pool } from 'undici';
import { failureOf, objectOf, pageOf, type Answer, type ReadAnswer } from './answers';
import { SwrError, deadlinePassed, parseErrorBody } from './errors';
import { pathSegment, repositorySegment } from './names';
import { UpstreamPolicy, parseRetryAfter, type UpstreamPolicyOptions } from './policy';
import {
  readNamespace,
  readNamespaceList,
  readRepositoryDetails,
  readRepositorySummary,
  readTag,
  totalRangeOf,
} from './records';
import { DEFAULT_VARIANTS, ServerTraits, type ServerVariants } from './variants';
import type {
  SwrNamespace,
  SwrPage,
  SwrRepositoryDetails,
  SwrRepositoryListQuery,
  SwrRepositorySummary,
  SwrTag,
  SwrTagListQuery,
} from './types';

import {
  ROUTES,
  type AttemptObserver,
  type Method,
  type RequestTrace,
  type UpstreamAttempt,
} from './attempts';
/**
 * The client of SWR's REST API. It knows nothing of GraphQL: it sends requests that satisfy
 * every rule SWR enforces, and turns every answer that is not the documented success into a
 * typed `SwrError`.
 *
 * Policy, in one place:
 * - Connections: one keep-alive pool to the endpoint's origin, at most `maxConnections` open.
 * - Timeouts: `timeoutMs` to connect, `timeoutMs` for the response headers, and `timeoutMs`
 *   between body chunks; a timeout is a `SwrError` of failure `timeout`. Every attempt also
 *   carries the call's signal, which the HTTP layer aborts when the caller leaves or the
 *   request's deadline passes (`deadlinePassed`): it covers the whole body read, since undici's
 *   body timeout is per chunk, so a body that trickles never outlives the deadline.
 * - Bodies: at most `maxBodyBytes` (default `DEFAULT_MAX_BODY_BYTES`; undici's
 *   `maxResponseSize` counts them as they arrive): a larger one is an upstream error, read no
 *   further.
 * - Retries and the circuit: `UpstreamPolicy` (./policy.ts). GETs may be retried; a DELETE is
 *   sent exactly once, whatever happens, since a retry could repeat a change.
 * - Authentication: the caller's token, sent as `X-Auth-Token`, never stored here.
 * - Tracing: the GraphQL request's id goes along as `X-Request-Id`; an `observeAttempt` hook
 *   (tracing) is told of every attempt and may add headers to it (`traceparent`).
 * - Bodies: parsed without losing precision on integers beyond 2^53.
 */

export type { AttemptObserver, RequestTrace, UpstreamAttempt } from './attempts';

/** A header's value (the first, when repeated). */
function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The largest upstream body read: 1000 tags with large manifest lists fit many times over. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface SwrClientOptions {
  endpoint: string;
  timeoutMs: number;
  maxConnections: number;
  /** The largest upstream body read, in bytes (default `DEFAULT_MAX_BODY_BYTES`). */
  maxBodyBytes?: number;
  /** How the server differs from the reference (default `DEFAULT_VARIANTS`). */
  variants?: Partial<ServerVariants>;
  policy?: UpstreamPolicyOptions;
  onAttempt?: (attempt: UpstreamAttempt) => void;
  /** Told of every attempt before it is sent (tracing); its headers go along. */
  observeAttempt?: AttemptObserver;
}

/** The GraphQL request an upstream call is made for. */
export interface UpstreamCall {
  requestId?: string;
  /** The GraphQL request's deadline (ms since the epoch): no attempt starts after it. */
  deadline: number;
  /** Told of every attempt sent, retries included. */
  onAttempt?: () => void;
  /** Asked before each request (not before its retries); throws to refuse it unsent. */
  admit?: () => void;
  /** Tracing's state for the request, read as each attempt starts. */
  trace?: RequestTrace;
  /**
   * Aborted when the caller has gone, or (with `deadlinePassed()` as its reason) when the
   * request's deadline passes: no attempt starts after it, and an attempt in flight is cut.
   */
  signal?: AbortSignal;
}

export interface RepositoryRef {
  namespace: string;
  name: string;
}

/** The statuses that mean success: SWR answers a DELETE with 204 (200 is taken as well). */
const SUCCESS: Record<Method, readonly number[]> = { GET: [200], DELETE: [204, 200] };

/** One request to SWR, made for a GraphQL request with the caller's token. */
interface Request {
  /** Its name in the metrics: `listTags`, `getRepository`… */
  operation: string;
  method: Method;
  path: string;
  token: string;
  call: UpstreamCall;
}

export class SwrClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  readonly policy: UpstreamPolicy;
  /** The server's variants, configured and learned. */
  readonly traits: ServerTraits;
  private readonly onAttempt: ((attempt: UpstreamAttempt) => void) | undefined;
  private readonly observeAttempt: AttemptObserver | undefined;

  constructor(options: SwrClientOptions) {
    this.policy = new UpstreamPolicy(options.policy);
    this.traits = new ServerTraits({ ...DEFAULT_VARIANTS, ...options.variants });
    this.onAttempt = options.onAttempt;
    this.observeAttempt = options.observeAttempt;
    const url = new URL(options.endpoint);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: options.maxConnections,
      keepAliveTimeout: 10_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      maxResponseSize: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
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
    // Numbers and SWR's order names need no encoding; the filter, the caller's text, does.
    const filter =
      query.tag === undefined ? '' : `&${new URLSearchParams({ tag: query.tag }).toString()}`;
    const path =
      `${this.repositoryPath(repository)}/tags?offset=${query.offset}&limit=${query.limit}` +
      `&order_column=${query.orderColumn}&order_type=${query.orderType}${filter}`;
    return this.get('listTags', path, token, call, pageOf(readTag, query));
  }

  /** The organizations the token may see: `GET /v2/manage/namespaces` (not paged). */
  listNamespaces(token: string, call: UpstreamCall): Promise<SwrNamespace[]> {
    const path = `${this.basePath}/v2/manage/namespaces`;
    return this.get('listNamespaces', path, token, call, objectOf(readNamespaceList));
  }

  /** One organization: `GET /v2/manage/namespaces/{namespace}`. */
  getNamespace(token: string, namespace: string, call: UpstreamCall): Promise<SwrNamespace> {
    const path = this.namespacePath(namespace);
    return this.get('getNamespace', path, token, call, objectOf(readNamespace));
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
    // The reference: write `$` for `/` in the name filter, as in a repository's path segment.
    if (query.name !== undefined) params.set('name', query.name.replaceAll('/', '$'));
    if (query.category !== undefined) params.set('category', query.category);
    const path = `${this.basePath}/v2/manage/repos?${params.toString()}`;
    return this.get(
      'listRepositories',
      path,
      token,
      call,
      pageOf(readRepositorySummary, query, totalRangeOf),
    );
  }

  /** One repository's details: `GET /v2/manage/namespaces/{namespace}/repos/{repository}`. */
  getRepository(
    token: string,
    repository: RepositoryRef,
    call: UpstreamCall,
  ): Promise<SwrRepositoryDetails> {
    const path = this.repositoryPath(repository);
    return this.get('getRepository', path, token, call, objectOf(readRepositoryDetails));
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
    await this.request({ operation: 'deleteTag', method: 'DELETE', path, token, call }, () => {});
  }

  private namespacePath(namespace: string): string {
    return `${this.basePath}/v2/manage/namespaces/${pathSegment(namespace)}`;
  }

  private repositoryPath(repository: RepositoryRef): string {
    return `${this.namespacePath(repository.namespace)}/repos/${repositorySegment(repository.name)}`;
  }

  private get<T>(
    operation: string,
    path: string,
    token: string,
    call: UpstreamCall,
    read: ReadAnswer<T>,
  ): Promise<T> {
    return this.request({ operation, method: 'GET', path, token, call }, read);
  }

  /** One request under the upstream policy: only a GET may be retried. */
  private async request<T>(request: Request, read: ReadAnswer<T>): Promise<T> {
    request.call.admit?.();
    let retry = 0;
    return this.policy.run(() => this.attempt(request, read, retry++), request.call.deadline, {
      idempotent: request.method === 'GET',
    });
  }

  private async attempt<T>(request: Request, read: ReadAnswer<T>, retry: number): Promise<T> {
    const { operation, method } = request;
    request.call.signal?.throwIfAborted();
    const started = performance.now();
    request.call.onAttempt?.();
    const watch = this.observeAttempt?.({
      operation,
      method,
      route: ROUTES[operation] ?? operation,
      retry,
      parent: request.call.trace?.parent,
    });
    try {
      const answer = await this.send(request, watch?.headers);
      const result = read(answer);
      this.report(operation, 'ok', answer.status, started);
      watch?.end({ outcome: 'ok', status: answer.status, errorCode: undefined });
      return result;
    } catch (error) {
      const failure = failureOf(error);
      const status = failure.status ?? null;
      this.report(operation, failure.failure, status, started);
      watch?.end({ outcome: failure.failure, status, errorCode: failure.detail.errorCode });
      // The caller's leaving is no failure of SWR's: neither retried nor counted by the circuit.
      throw request.call.signal?.aborted ? request.call.signal.reason : failure;
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
    { method, path, token, call }: Request,
    extraHeaders: Record<string, string> | undefined,
  ): Promise<Answer> {
    const remainingMs = call.deadline - Date.now();
    if (remainingMs <= 0) throw deadlinePassed();
    const headers: Record<string, string> = Object.assign({}, extraHeaders);
    headers['x-auth-token'] = token;
    headers['content-type'] = 'application/json';
    headers.accept = 'application/json';
    if (call.requestId !== undefined) headers['x-request-id'] = call.requestId;
    const response = await this.pool.request({
      method,
      path,
      headers,
      signal: call.signal,
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
