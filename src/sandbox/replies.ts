/**
 * The sandbox's answers that are not data: SWR's error bodies, serialised once, in the three
 * shapes SWR is seen to use; and the paging and ordering rules every list endpoint shares.
 */
import type { OrderType } from './wire';

export interface Reply {
  status: number;
  body: string;
}

/** A reply with what the request log and the headers need. */
export interface Answer extends Reply {
  contentRange?: string;
  account?: string;
}

export function bareArray(status: number, errorCode: string, errorMessage: string): Reply {
  return { status, body: JSON.stringify([{ errorCode, errorMessage, detail: '' }]) };
}

function live(status: number, errorCode: string, errorMessage: string, detail: string): Reply {
  return { status, body: JSON.stringify({ errors: [{ errorCode, errorMessage, detail }] }) };
}

export function huawei(status: number, error_code: string, error_msg: string): Reply {
  return { status, body: JSON.stringify({ error_code, error_msg }) };
}

export function invalidParameters(detail: string): Reply {
  return live(400, 'SVCSTG.SWR.4001025', 'Web Bad request error: invalid parameters', detail);
}

export const NO_TOKEN = bareArray(400, 'SVCSTG.SWR.4001048', 'Failed to get Token from Context');
export const BAD_CONTENT_TYPE = invalidParameters('Content-Type must be application/json');
export const NAMESPACE_NOT_FOUND = huawei(404, 'SVCSTG.SWR.4040058', 'Organization not found');
/** The tag list's answer for an unknown repository. */
export const REPOSITORY_NOT_FOUND = huawei(404, 'SVCSTG.SWR.4041057', 'Tag list not found');
// SWR.md documents only the status of the next two; their codes are the sandbox's own.
/** The details' and the DELETE's answer for an unknown repository. */
export const REPOSITORY_UNKNOWN = huawei(404, 'SVCSTG.SWR.4040059', 'Repository not found');
/** The DELETE's answer for an unknown tag. */
export const TAG_UNKNOWN = huawei(404, 'SVCSTG.SWR.4040060', 'Tag not found');
export const INSUFFICIENT_PERMISSIONS = huawei(
  403,
  'SVCSTG.SWR.4030170',
  'Insufficient permissions',
);
export const ROUTE_NOT_FOUND = huawei(404, 'SVCSTG.SWR.4040001', 'Resource not found');
export const OFFSET_ERROR = live(
  400,
  'SVCSTG.SWR.4001072',
  'Web Bad request error: param offset error',
  'Invalid parameter in filter',
);
export const PAGE_SIZE_ERROR = live(
  400,
  'SVCSTG.SWR.4000056',
  'Invalid page size',
  'limit must be 1..1000',
);

export function isReply(value: object): value is Reply {
  return 'status' in value;
}

const DIGITS = /^[0-9]+$/;

export interface Page {
  offset: number;
  limit: number;
}

/**
 * `offset` and `limit`: both or neither (neither: every record); `limit` 1 to 1000; `offset`
 * a multiple of `limit`.
 */
export function validatePage(
  offset: string | undefined,
  limit: string | undefined,
): Page | undefined | Reply {
  if (offset === undefined && limit === undefined) return undefined;
  if (offset === undefined || limit === undefined) return OFFSET_ERROR;
  const limitN = DIGITS.test(limit) ? Number(limit) : NaN;
  if (!(limitN >= 1 && limitN <= 1000)) return PAGE_SIZE_ERROR;
  const offsetN = DIGITS.test(offset) ? Number(offset) : NaN;
  if (!Number.isSafeInteger(offsetN) || offsetN % limitN !== 0) return OFFSET_ERROR;
  return { offset: offsetN, limit: limitN };
}

export interface Order<C extends string> {
  column: C;
  type: OrderType;
}

/** The paging and ordering parameters of a list request, checked as every list checks them. */
export function validateList<C extends string>(
  query: Partial<Record<'offset' | 'limit' | 'order_column' | 'order_type', string>>,
  columns: readonly C[],
  fallback: Order<C>,
): (Partial<Page> & Order<C>) | Reply {
  const page = validatePage(query.offset, query.limit);
  if (page !== undefined && isReply(page)) return page;
  const order = validateOrder(query.order_column, query.order_type, columns, fallback);
  if (isReply(order)) return order;
  return { ...page, ...order };
}

/** `order_column` and `order_type`: both or neither (neither: `fallback`), of known values. */
export function validateOrder<C extends string>(
  column: string | undefined,
  type: string | undefined,
  columns: readonly C[],
  fallback: Order<C>,
): Order<C> | Reply {
  if (column === undefined && type === undefined) return fallback;
  if (column === undefined || type === undefined) {
    return invalidParameters('order_column and order_type must be sent together');
  }
  if (!(columns as readonly string[]).includes(column)) {
    const names = `${columns.slice(0, -1).join(', ')} or ${columns[columns.length - 1] ?? ''}`;
    return invalidParameters(`order_column must be ${names}`);
  }
  if (type !== 'asc' && type !== 'desc') {
    return invalidParameters('order_type must be asc or desc');
  }
  return { column: column as C, type };
}
