/**
 * The sandbox's tag list, `GET /v2/manage/namespaces/{namespace}/repos/{repository}/tags`:
 * the parameters (plain or in `filter`), checked strictly, and pages answered from pre-serialised
 * tag JSON. Token, Content-Type and visibility are checked before this runs (see server.ts).
 */
import type { SandboxRepository, SandboxTag, TagOrderKey } from './model';
import { invalidParameters, isReply, validateList, type Answer, type Reply } from './replies';
import { TAG_ORDER_COLUMNS, type OrderType, type TagOrderColumn } from './wire';

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

interface PageRequest {
  /** Undefined: every record. */
  offset?: number;
  limit?: number;
  column: TagOrderColumn;
  type: OrderType;
  tag: string;
}

function validate(params: TagQuery): PageRequest | Reply {
  const list = validateList(params, TAG_ORDER_COLUMNS, { column: 'updated_at', type: 'desc' });
  if (isReply(list)) return list;
  return { ...list, tag: params.tag ?? '' };
}

/** Tag-filtered orders, memoised per repository (which a change replaces); bounded. */
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

export function listTags(repository: SandboxRepository, query: Record<string, string>): Answer {
  let params: TagQuery;
  const filter = query.filter;
  if (filter !== undefined) {
    const parsed = parseFilter(filter);
    if (isReply(parsed)) return parsed;
    params = parsed;
  } else {
    params = {};
    for (const key of QUERY_KEYS) {
      const value = query[key];
      if (value !== undefined) params[key] = value;
    }
  }
  const page = validate(params);
  if (isReply(page)) return page;

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
  return { status: 200, body, contentRange: `${offset}-${slice.length}/${matching.length}` };
}
