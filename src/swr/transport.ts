import type { Dispatcher } from 'undici';
import { SwrError } from './errors';

/** What one attempt's transport needs beyond undici: its abort signal, its headers, its body. */

/** A header's value (the first, when repeated). */
export function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * An attempt's abort signal: the request's deadline, on every attempt, and the caller's own
 * signal when it has one. undici's timeouts bound each phase and each body chunk, not the whole.
 */
export function attemptSignal(remainingMs: number, caller: AbortSignal | undefined): AbortSignal {
  const deadline = AbortSignal.timeout(remainingMs);
  return caller === undefined ? deadline : AbortSignal.any([deadline, caller]);
}

/** A body as text, refused (and read no further) once it passes `maxBytes`. */
export async function readBody(
  response: Dispatcher.ResponseData,
  maxBytes: number,
): Promise<string> {
  const tooLarge = (): SwrError =>
    new SwrError(
      'malformed',
      `SWR answered with a body over ${maxBytes} bytes`,
      response.statusCode,
    );
  const declared = Number(header(response.headers['content-length']) ?? 0);
  if (declared > maxBytes) {
    response.body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      response.body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
