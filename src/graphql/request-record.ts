import type { IncomingMessage } from 'node:http';
import type { RequestTrace } from '../swr/client';

/**
 * The HTTP layer's record of one request: what the access log and the metrics learn about it as
 * it is served, and the signal that tells whatever runs for it that the caller has gone. The
 * HTTP layer makes it for each request (http/handler.ts) and hands it beside Node's request; yoga's
 * plugins fill it in. Both layers read it, so it is declared here, below the HTTP layer.
 */
export interface RequestRecord {
  id: string;
  operationName: string | null;
  /** The operation's type (`query`, `mutation`…) once known. */
  operationType: string | null;
  /**
   * The trusted document the request named by id, and whether the manifest holds it; null when
   * the request sent document text (or none).
   */
  document: { id: string; known: boolean } | null;
  /** Upstream attempts made for it, retries included. */
  upstreamCalls: number;
  /** Tracing's state (its server span's ids among it); empty when tracing is off. */
  trace: RequestTrace;
  /** Aborted when the caller closes the connection before its answer was sent. */
  signal?: AbortSignal;
}

/** What yoga is handed with every request of Node's server: Node's request, among others. */
export interface ServerContext {
  req?: IncomingMessage;
}

/** The record of each request in flight, by Node's request. */
const records = new WeakMap<IncomingMessage, RequestRecord>();

/**
 * Hands the record of a request to whatever yoga runs for it (see `recordOf`): beside Node's
 * request rather than as a server context of its own, which yoga's adapter would copy property
 * by property into every request's context.
 */
export function attachRecord(request: IncomingMessage, record: RequestRecord): void {
  records.set(request, record);
}

/**
 * The HTTP layer's record of the request, from any of yoga's contexts (each holds Node's
 * request); undefined for a request that did not come through the HTTP layer.
 */
export function recordOf(context: ServerContext | undefined): RequestRecord | undefined {
  const request = context?.req;
  return request === undefined ? undefined : records.get(request);
}

/** A new request's record: nothing is known of its operation yet. */
export function newRequestRecord(id: string, signal?: AbortSignal): RequestRecord {
  return {
    id,
    operationName: null,
    operationType: null,
    document: null,
    upstreamCalls: 0,
    trace: {},
    ...(signal && { signal }),
  };
}
