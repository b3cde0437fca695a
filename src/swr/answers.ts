import { SwrError } from './errors';
import { decodeJson } from './json';
import { MAX_INT } from './records';
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

/**
 * Reads a page of a list: a JSON array of `isItem` records, and the `Content-Range` total. A page
 * longer than the `limit` asked for is not SWR's paging: an upstream error, never served.
 */
export function pageOf<T>(
  isItem: (value: unknown) => value is T,
  limit: number,
): ReadAnswer<SwrPage<T>> {
  return (answer) => {
    const body = jsonOf(answer);
    if (!Array.isArray(body) || !body.every(isItem)) {
      throw new SwrError('malformed', 'SWR answered with a list of an unexpected shape', 200);
    }
    if (body.length > limit) {
      throw new SwrError('malformed', `SWR answered with more than the ${limit} items asked`, 200);
    }
    const total = totalFromContentRange(answer.contentRange);
    if (total === null) {
      throw new SwrError('malformed', 'SWR answered without a Content-Range total', 200);
    }
    return { items: body, total };
  };
}

/** Reads one JSON object that `isBody` accepts. */
export function objectOf<T>(isBody: (value: unknown) => value is T): ReadAnswer<T> {
  return (answer) => {
    const body = jsonOf(answer);
    if (!isBody(body)) {
      throw new SwrError('malformed', 'SWR answered with an object of an unexpected shape', 200);
    }
    return body;
  };
}
