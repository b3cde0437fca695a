import { Pool } from 'undici';
import { SwrError, parseErrorBody } from './errors';
import { decodeJson } from './json';
import { pathSegment, repositorySegment } from './names';
import type { SwrPage, SwrTag, SwrTagListQuery } from './types';

/**
 * The client of SWR's REST API. It knows nothing of GraphQL: it sends requests that satisfy
 * every rule SWR enforces, and turns every answer that is not the documented success into a
 * typed `SwrError`.
 *
 * Policy, in one place:
 * - Connections: one keep-alive pool to the endpoint's origin, at most `maxConnections` open.
 * - Timeouts: `timeoutMs` to connect, `timeoutMs` for the response headers, and `timeoutMs`
 *   between body chunks; a timeout is a `SwrError` of failure `timeout`.
 * - Authentication: the caller's token, sent as `X-Auth-Token`, never stored here.
 * - Bodies: parsed without losing precision on integers beyond 2^53.
 */

export interface SwrClientOptions {
  endpoint: string;
  timeoutMs: number;
  maxConnections: number;
}

export interface RepositoryRef {
  namespace: string;
  name: string;
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** The total from `Content-Range: {offset}-{count}/{total}`; only the total is reliable. */
function totalFromContentRange(header: string | string[] | undefined): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value === undefined ? null : /\/\s*(\d+)\s*$/.exec(value);
  return match ? Number(match[1]) : null;
}

const STRING_FIELDS = [
  'Tag',
  'image_id',
  'manifest',
  'digest',
  'path',
  'internal_path',
  'created',
  'updated',
  'domain_id',
] as const;

/** Whether an element of the tag list has every field the schema promises non-null. */
function isSwrTag(value: unknown): value is SwrTag {
  if (typeof value !== 'object' || value === null) return false;
  const tag = value as Record<string, unknown>;
  for (const field of STRING_FIELDS) if (typeof tag[field] !== 'string') return false;
  return (
    typeof tag.schema === 'number' &&
    typeof tag.tag_type === 'number' &&
    typeof tag.is_trusted === 'boolean' &&
    (typeof tag.size === 'number' || typeof tag.size === 'bigint')
  );
}

function failureOf(error: unknown): SwrError {
  if (error instanceof SwrError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) {
    return new SwrError('timeout', 'SWR did not answer in time', undefined, {}, { cause: error });
  }
  return new SwrError('network', 'SWR could not be reached', undefined, {}, { cause: error });
}

export class SwrClient {
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(options: SwrClientOptions) {
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
    return this.getPage(token, path, isSwrTag);
  }

  private async getPage<T>(
    token: string,
    path: string,
    isItem: (value: unknown) => value is T,
  ): Promise<SwrPage<T>> {
    let statusCode: number;
    let text: string;
    let contentRange: string | string[] | undefined;
    try {
      const response = await this.pool.request({
        method: 'GET',
        path,
        headers: {
          'x-auth-token': token,
          'content-type': 'application/json',
          accept: 'application/json',
        },
      });
      statusCode = response.statusCode;
      contentRange = response.headers['content-range'];
      text = await response.body.text();
    } catch (error) {
      throw failureOf(error);
    }
    if (statusCode !== 200) {
      throw new SwrError('status', `SWR answered ${statusCode}`, statusCode, parseErrorBody(text));
    }
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
