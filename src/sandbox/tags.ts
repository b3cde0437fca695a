/**
 * The sandbox's tag list, `GET /v2/manage/namespaces/{namespace}/repos/{repository}/tags`:
 * the parameters (plain or in `filter`), checked strictly, and pages answered from pre-serialised
 * tag JSON. Token, Content-Type and visibility are checked before this runs (see server.ts).
 */
import { TAG_ORDER_REFUSED, memoJson, type FlavorRules } from './flavors';
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

/** The order a request gets: the flavor may refuse the name order, or ignore it. */
function orderKeyOf(page: PageRequest, rules: FlavorRules): TagOrderKey | Reply {
  if (page.column === 'tag' && rules.tagNameOrder === 'refused') return TAG_ORDER_REFUSED;
  const column =
    page.column === 'tag' && rules.tagNameOrder === 'ignored' ? 'updated_at' : page.column;
  return `${column}:${page.type}`;
}

export function listTags(
  repository: SandboxRepository,
  query: Record<string, string>,
  rules: FlavorRules,
): Answer {
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

  const orderKey = orderKeyOf(page, rules);
  if (typeof orderKey !== 'string') return orderKey;
  const reference = rules.flavor === 'reference';
  const matching =
    page.tag === '' ? repository.orders[orderKey] : filtered(repository, orderKey, page.tag);
  const offset = page.offset ?? 0;
  const slice: readonly SandboxTag[] =
    page.limit === undefined ? matching : matching.slice(offset, offset + page.limit);
  let body = '[';
  for (let i = 0; i < slice.length; i++) {
    if (i > 0) body += ',';
    const tag = slice[i] as SandboxTag;
    body += reference ? tag.json : memoJson(rules, tag.tag);
  }
  body += ']';
  if (rules.rangeOnlyWhenPaged && page.limit === undefined) return { status: 200, body };
  return { status: 200, body, contentRange: `${offset}-${slice.length}/${matching.length}` };
}
