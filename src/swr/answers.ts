import { SwrError } from './errors';
import { decodeJson } from './json';
import { MAX_INT, isMissing, type Read } from './records';
import type { SwrPage } from './types';

/**
 * Reading SWR's answers: a successful one into the documented body, anything else (a body that
 * is not the documented JSON, a transport failure) into a typed `SwrError`.
 */

/** A successful answer, before its body is read. */
export interface Answer {
  status: number;
  contentRange: string | undefined;
  text: string;
}

/** Reads the body of a successful answer. */
export type ReadAnswer<T> = (answer: Answer) => T;

const TIMEOUT_CODES = new Set([
  // The only abort is the request deadline's.
  'UND_ERR_ABORTED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** A failed attempt as a `SwrError`: a timeout, or an upstream that could not be reached. */
export function failureOf(error: unknown): SwrError {
  if (error instanceof SwrError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    // undici's `maxResponseSize`: the body was read no further.
    return new SwrError(
      'malformed',
      'SWR answered with a body over the size the gateway reads',
      undefined,
      {},
      { cause: error },
    );
  }
  if (name === 'TimeoutError' || (typeof code === 'string' && TIMEOUT_CODES.has(code))) {
    return new SwrError('timeout', 'SWR did not answer in time', undefined, {}, { cause: error });
  }
  return new SwrError('network', 'SWR could not be reached', undefined, {}, { cause: error });
}

/**
 * The total from `Content-Range: {offset}-{count}/{total}`; only the total is reliable. No list
 * is longer than GraphQL's `Int` counts.
 */
function totalFromContentRange(value: string | undefined): number | null {
  const match = value === undefined ? null : /\/\s*(\d{1,10})\s*$/.exec(value);
  const total = match ? Number(match[1]) : null;
  return total !== null && total <= MAX_INT ? total : null;
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

/** Where a page starts and how long it may be, as the request asked. */
export interface PageBounds {
  offset: number;
  limit: number;
}

function readItems<T>(body: unknown, read: (value: unknown) => Read<T>, limit: number): T[] {
  if (!Array.isArray(body)) {
    throw new SwrError('malformed', 'SWR answered a list request with something else', 200);
  }
  if (body.length > limit) {
    throw new SwrError('malformed', `SWR answered with more than the ${limit} items asked`, 200);
  }
  return body.map((value: unknown, index) => {
    const item = read(value);
    if (isMissing(item)) {
      throw new SwrError(
        'malformed',
        `SWR answered a list whose item ${index} lacks \`${item.missing}\`, which the gateway cannot serve without`,
        200,
      );
    }
    return item;
  });
}

/**
 * Reads a page of a list: a JSON array of records that `read` accepts, and the list's total.
 * The total is `Content-Range`'s (one that does not read as a total is an upstream error); without it (servers add it only when asked for a page, some
 * never), `totalInBody` (the repository list's `total_range`); without either, a page shorter
 * than its limit ends the list, and a full one is an upstream error, as it tells no total. A
 * page longer than its limit is not SWR's paging: an upstream error, never served.
 */
export function pageOf<T>(
  read: (value: unknown) => Read<T>,
  bounds: PageBounds,
  totalInBody: (body: unknown[]) => number | null = () => null,
): ReadAnswer<SwrPage<T>> {
  return (answer) => {
    const body = jsonOf(answer);
    const items = readItems(body, read, bounds.limit);
    const total =
      answer.contentRange === undefined
        ? (totalInBody(body as unknown[]) ??
          (items.length < bounds.limit ? bounds.offset + items.length : null))
        : totalFromContentRange(answer.contentRange);
    if (total === null) {
      throw new SwrError(
        'malformed',
        'SWR answered a page without a total it can be paged by',
        200,
      );
    }
    return { items, total };
  };
}

/** Reads one JSON object that `read` accepts. */
export function objectOf<T>(read: (value: unknown) => Read<T>): ReadAnswer<T> {
  return (answer) => {
    const body = read(jsonOf(answer));
    if (isMissing(body)) {
      throw new SwrError(
        'malformed',
        `SWR answered without \`${body.missing}\`, which the gateway cannot serve without`,
        200,
      );
    }
    return body;
  };
}
