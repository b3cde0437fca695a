import type { IncomingMessage, ServerResponse } from 'node:http';
import { serve, serveFetch, type Surface } from '../graphql/yoga';
import { tooLarge } from './replies';
import type { RequestRecord } from '../graphql/request-record';

/**
 * The body limit, before yoga reads a byte: a declared Content-Length over the limit is refused
 * at once (Node's parser never reads a body past its Content-Length); a body without one
 * (chunked) is read here, up to the limit, and handed to yoga whole. Such bodies are rare, and
 * this keeps the common path free of a byte counter.
 */
export async function serveWithinLimit(
  surface: Surface,
  request: IncomingMessage,
  response: ServerResponse,
  record: RequestRecord,
  maxBodyBytes: number,
): Promise<void> {
  const length = request.headers['content-length'];
  if (length !== undefined && Number(length) > maxBodyBytes) {
    tooLarge(response, maxBodyBytes);
    return;
  }
  if (length === undefined && request.headers['transfer-encoding'] !== undefined) {
    await serveChunked(surface, request, response, record, maxBodyBytes);
    return;
  }
  await serve(surface, request, response, record);
}

/** The whole body, or null once it passed the limit (the answer is then sent). */
async function readWhole(
  request: IncomingMessage,
  response: ServerResponse,
  maxBodyBytes: number,
): Promise<Buffer<ArrayBuffer> | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) {
      tooLarge(response, maxBodyBytes);
      request.destroy();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function serveChunked(
  surface: Surface,
  request: IncomingMessage,
  response: ServerResponse,
  record: RequestRecord,
  maxBodyBytes: number,
): Promise<void> {
  const body = await readWhole(request, response, maxBodyBytes);
  if (body === null) return;
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (name !== 'transfer-encoding' && typeof value === 'string') headers.set(name, value);
  }
  // The routing checked that this URL parses (routes.ts).
  const url = `http://${request.headers.host ?? 'localhost'}${request.url ?? '/'}`;
  const fetchRequest = new Request(url, {
    method: request.method ?? 'POST',
    headers,
    body,
    signal: record.signal ?? null,
  });
  const answer = await serveFetch(surface, fetchRequest, request, record);
  response.writeHead(answer.status, Object.fromEntries(answer.headers));
  response.end(Buffer.from(await answer.arrayBuffer()));
}
