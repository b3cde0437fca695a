/**
 * The embedded SWR sandbox: a strict local implementation of
 * `GET /v2/manage/namespaces/{namespace}/repos/{repository}/tags` over plain `node:http`.
 *
 * Check order (first failure wins): route → token → Content-Type → namespace/repository
 * visibility → query parameters. Pages are answered from pre-serialised tag JSON.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { SwrOrderType, SwrTagOrderColumn } from '../swr/types';
import { defaultDataset } from './data';
import type { SandboxDataset, SandboxRepository, SandboxTag, TagOrderKey } from './data';

export const DEMO_TOKEN = 'sandbox-demo-token';
export const OTHER_TOKEN = 'sandbox-other-token';

const TOKENS: ReadonlyMap<string, string> = new Map([
  [DEMO_TOKEN, 'demo'],
  [OTHER_TOKEN, 'other'],
]);

/** The request log keeps at least this many of the most recent requests. */
export const REQUEST_LOG_CAP = 100_000;
/** Trimmed in batches so that a push stays O(1) amortised. */
const REQUEST_LOG_SLACK = 10_000;

export interface SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a random free port. */
  port?: number;
}

export interface RecordedRequest {
  method: string;
  /** The raw path, without the query. */
  path: string;
  query: Record<string, string>;
  status: number;
  /** The account the token belongs to; never the token itself. */
  account?: string;
}

export interface SandboxHandle {
  /** E.g. `http://127.0.0.1:12345`. */
  url: string;
  port: number;
  /** Every request served, in order (the most recent ones; capped). */
  requests: RecordedRequest[];
  resetRequests(): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Error bodies, serialised once

interface Reply {
  status: number;
  body: string;
}

function bareArray(status: number, errorCode: string, errorMessage: string): Reply {
  return { status, body: JSON.stringify([{ errorCode, errorMessage, detail: '' }]) };
}

function live(status: number, errorCode: string, errorMessage: string, detail: string): Reply {
  return { status, body: JSON.stringify({ errors: [{ errorCode, errorMessage, detail }] }) };
}

function huawei(status: number, error_code: string, error_msg: string): Reply {
  return { status, body: JSON.stringify({ error_code, error_msg }) };
}

const NO_TOKEN = bareArray(400, 'SVCSTG.SWR.4001048', 'Failed to get Token from Context');
const BAD_TOKEN = bareArray(
  401,
  'SVCSTG.SWR.4010000',
  'Authentication failed: token invalid or expired',
);
const BAD_CONTENT_TYPE = invalidParameters('Content-Type must be application/json');
const NAMESPACE_NOT_FOUND = huawei(404, 'SVCSTG.SWR.4040058', 'Organization not found');
const REPOSITORY_NOT_FOUND = huawei(404, 'SVCSTG.SWR.4041057', 'Tag list not found');
const ROUTE_NOT_FOUND = huawei(404, 'SVCSTG.SWR.4040001', 'Resource not found');
const OFFSET_ERROR = live(
  400,
  'SVCSTG.SWR.4001072',
  'Web Bad request error: param offset error',
  'Invalid parameter in filter',
);
const PAGE_SIZE_ERROR = live(
  400,
  'SVCSTG.SWR.4000056',
  'Invalid page size',
  'limit must be 1..1000',
);

function invalidParameters(detail: string): Reply {
  return live(400, 'SVCSTG.SWR.4001025', 'Web Bad request error: invalid parameters', detail);
}

// ---------------------------------------------------------------------------------------------
// Parsing

const ROUTE_PREFIX = ['', 'v2', 'manage', 'namespaces'];

interface Route {
  namespace: string;
  /** Decoded, `$` replaced by `/`; undefined when the segment names no repository. */
  repository: string | undefined;
}

/** The namespace and repository of a tag-list path, or undefined for any other path. */
function matchRoute(path: string): Route | undefined {
  const parts = path.split('/');
  if (parts.length !== 8) return undefined;
  for (let i = 0; i < ROUTE_PREFIX.length; i++) {
    if (parts[i] !== ROUTE_PREFIX[i]) return undefined;
  }
  if (parts[5] !== 'repos' || parts[7] !== 'tags') return undefined;
  const ns = decodeSegment(parts[4]);
  const repo = decodeSegment(parts[6]);
  if (ns === undefined || repo === undefined) return undefined;
  // A `/` that arrives percent-encoded is not the `$` convention: it names no repository.
  return { namespace: ns, repository: repo.includes('/') ? undefined : repo.replaceAll('$', '/') };
}

function decodeSegment(segment: string | undefined): string | undefined {
  if (!segment) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function parseQuery(raw: string): Record<string, string> {
  const query: Record<string, string> = {};
  if (raw === '') return query;
  for (const [key, value] of new URLSearchParams(raw)) {
    if (!Object.hasOwn(query, key)) query[key] = value;
  }
  return query;
}

function acceptableContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const normalized = header.trim().toLowerCase().replace(/\s+/g, ' ');
  if (normalized === 'application/json') return true;
  // The reference page's own spelling.
  if (normalized === 'charset=utf-8 application/json') return true;
  const [type, ...params] = normalized.split(';').map((p) => p.trim());
  return type === 'application/json' && params.every((p) => p === 'charset=utf-8');
}

const QUERY_KEYS = ['offset', 'limit', 'order_column', 'order_type', 'tag'] as const;
type QueryKey = (typeof QUERY_KEYS)[number];
type TagQuery = Partial<Record<QueryKey, string>>;

function isQueryKey(key: string): key is QueryKey {
  return (QUERY_KEYS as readonly string[]).includes(key);
}

/** `offset::0|limit::10|...` → the parameters, or an error reply when malformed. */
function parseFilter(filter: string): TagQuery | Reply {
  const params: TagQuery = {};
  if (filter === '') return invalidParameters('Invalid parameter in filter: empty filter');
  for (const entry of filter.split('|')) {
    const sep = entry.indexOf('::');
    if (sep < 0) return invalidParameters(`Invalid parameter in filter: ${entry}`);
    const key = entry.slice(0, sep);
    if (!isQueryKey(key) || params[key] !== undefined) {
      return invalidParameters(`Invalid parameter in filter: ${key}`);
    }
    params[key] = entry.slice(sep + 2);
  }
  return params;
}

const DIGITS = /^[0-9]+$/;

interface PageRequest {
  /** Undefined: every record. */
  offset?: number;
  limit?: number;
  column: SwrTagOrderColumn;
  type: SwrOrderType;
  tag: string;
}

function validate(params: TagQuery): PageRequest | Reply {
  const { offset, limit } = params;
  let page: { offset: number; limit: number } | undefined;
  if (offset !== undefined || limit !== undefined) {
    if (offset === undefined || limit === undefined) return OFFSET_ERROR;
    const limitN = DIGITS.test(limit) ? Number(limit) : NaN;
    if (!(limitN >= 1 && limitN <= 1000)) return PAGE_SIZE_ERROR;
    const offsetN = DIGITS.test(offset) ? Number(offset) : NaN;
    if (!Number.isSafeInteger(offsetN) || offsetN % limitN !== 0) return OFFSET_ERROR;
    page = { offset: offsetN, limit: limitN };
  }
  const column = params.order_column;
  const type = params.order_type;
  let order: { column: SwrTagOrderColumn; type: SwrOrderType } = {
    column: 'updated_at',
    type: 'desc',
  };
  if (column !== undefined || type !== undefined) {
    if (column === undefined || type === undefined) {
      return invalidParameters('order_column and order_type must be sent together');
    }
    if (column !== 'updated_at' && column !== 'tag') {
      return invalidParameters('order_column must be updated_at or tag');
    }
    if (type !== 'asc' && type !== 'desc') {
      return invalidParameters('order_type must be asc or desc');
    }
    order = { column, type };
  }
  return { ...page, ...order, tag: params.tag ?? '' };
}

// ---------------------------------------------------------------------------------------------
// Serving

interface Answer extends Reply {
  contentRange?: string;
  account?: string;
}

/** Tag-filtered orders, memoised per repository (the data never changes); bounded. */
const FILTER_CACHE_CAP = 256;
const filterCache = new WeakMap<SandboxRepository, Map<string, readonly SandboxTag[]>>();

function filtered(
  repository: SandboxRepository,
  orderKey: TagOrderKey,
  tag: string,
): readonly SandboxTag[] {
  let cache = filterCache.get(repository);
  if (cache === undefined) {
    cache = new Map();
    filterCache.set(repository, cache);
  }
  const key = `${orderKey}|${tag}`;
  let result = cache.get(key);
  if (result === undefined) {
    result = repository.orders[orderKey].filter((t) => t.tag.Tag.includes(tag));
    if (cache.size >= FILTER_CACHE_CAP) cache.clear();
    cache.set(key, result);
  }
  return result;
}

function answer(
  dataset: SandboxDataset,
  req: IncomingMessage,
  path: string,
  query: Record<string, string>,
): Answer {
  const route = req.method === 'GET' ? matchRoute(path) : undefined;
  if (!route) return ROUTE_NOT_FOUND;

  const token = req.headers['x-auth-token'];
  if (token === undefined || token === '') return NO_TOKEN;
  const account = typeof token === 'string' ? TOKENS.get(token) : undefined;
  if (account === undefined) return BAD_TOKEN;

  if (!acceptableContentType(req.headers['content-type'])) return { ...BAD_CONTENT_TYPE, account };

  const namespace = dataset.namespaces.get(route.namespace);
  if (namespace?.account !== account) return { ...NAMESPACE_NOT_FOUND, account };
  const repository =
    route.repository === undefined ? undefined : namespace.repositories.get(route.repository);
  if (!repository) return { ...REPOSITORY_NOT_FOUND, account };

  let params: TagQuery;
  const filter = query.filter;
  if (filter !== undefined) {
    const parsed = parseFilter(filter);
    if ('status' in parsed) return { ...parsed, account };
    params = parsed;
  } else {
    params = {};
    for (const key of QUERY_KEYS) {
      const value = query[key];
      if (value !== undefined) params[key] = value;
    }
  }
  const page = validate(params);
  if ('status' in page) return { ...page, account };

  const orderKey = `${page.column}:${page.type}` as const;
  const matching =
    page.tag === '' ? repository.orders[orderKey] : filtered(repository, orderKey, page.tag);
  const offset = page.offset ?? 0;
  const slice: readonly SandboxTag[] =
    page.limit === undefined ? matching : matching.slice(offset, offset + page.limit);
  let body = '[';
  for (let i = 0; i < slice.length; i++) {
    if (i > 0) body += ',';
    body += (slice[i] as SandboxTag).json;
  }
  body += ']';
  return {
    status: 200,
    body,
    contentRange: `${offset}-${slice.length}/${matching.length}`,
    account,
  };
}

/** Starts the sandbox on `host:port` (default 127.0.0.1, a random port). */
export function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const host = options.host ?? '127.0.0.1';
  const dataset = defaultDataset();
  const requests: RecordedRequest[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    req.resume();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const query = q < 0 ? {} : parseQuery(rawUrl.slice(q + 1));
    let result: Answer;
    try {
      result = answer(dataset, req, path, query);
    } catch {
      result = huawei(500, 'SVCSTG.SWR.5001056', 'Failed to obtain the tag list');
    }
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(result.body),
    };
    if (result.contentRange !== undefined) headers['Content-Range'] = result.contentRange;
    res.writeHead(result.status, headers);
    res.end(result.body);

    const entry: RecordedRequest = { method: req.method ?? '', path, query, status: result.status };
    if (result.account !== undefined) entry.account = result.account;
    requests.push(entry);
    if (requests.length > REQUEST_LOG_CAP + REQUEST_LOG_SLACK) {
      requests.splice(0, requests.length - REQUEST_LOG_CAP);
    }
  };

  const server = createServer(handle);
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      const urlHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${urlHost}:${port}`,
        port,
        requests,
        resetRequests: () => {
          requests.length = 0;
        },
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => {
              if (err) fail(err);
              else done();
            });
            server.closeAllConnections();
          }),
      });
    });
  });
}
