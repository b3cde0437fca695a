import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  defaultTextMapGetter,
  trace as otelTrace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import type { Plugin } from 'graphql-yoga';
import { recordOf, type ServerContext } from '../http/request-record';
import type { AttemptObserver, AttemptWatch, RequestTrace } from '../swr/attempts';
import type { Tracing } from './tracing-types';

/**
 * The spans, and what they may say. Route templates, methods, statuses, operation names and
 * types, error codes and retry numbers; never a token, a header, a query string (a GET's
 * variables, SWR's `tag` and `name` filters), a document (its literals may be cursors), a
 * variable's value, an error message, or the names in SWR's paths.
 */

// Incubating semantic conventions, copied as their package recommends.
const ATTR_GRAPHQL_OPERATION_NAME = 'graphql.operation.name';
const ATTR_GRAPHQL_OPERATION_TYPE = 'graphql.operation.type';
const ATTR_URL_TEMPLATE = 'url.template';
// This gateway's own.
const ATTR_GRAPHQL_DOCUMENT_ID = 'graphql.document.id';
const ATTR_GRAPHQL_ERROR_CODES = 'graphql.error.codes';
const ATTR_SWR_OPERATION = 'swr.operation';
const ATTR_SWR_ERROR_CODE = 'swr.error_code';

/** W3C trace context (`traceparent`, `tracestate`) only: the caller's baggage is not passed on. */
const propagator = new W3CTraceContextPropagator();

function failed(span: Span, error: unknown): void {
  span.setAttribute(ATTR_ERROR_TYPE, error instanceof Error ? error.name : 'unknown');
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** A GraphQL error's code as recorded: one of the API's codes, never free text. */
function errorCode(code: unknown): string {
  if (code === undefined) return 'INTERNAL_SERVER_ERROR';
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(code) ? code : 'OTHER';
}

/** The trace of the HTTP layer's request record, from one of yoga's contexts. */
function traceOf(context: unknown): RequestTrace | undefined {
  // envelop types contexts loosely; each of yoga's holds Node's request.
  return recordOf(context as ServerContext | undefined)?.trace;
}

/** What a document id looks like: a hash, perhaps with its algorithm (`sha256:…`). */
const DOCUMENT_ID = /^[\w:.-]{1,128}$/;

/** The server span of each traced request, found by the request's trace. */
const servers = new WeakMap<RequestTrace, Span>();

/**
 * The server span of one request to a GraphQL endpoint, started by the HTTP layer as the
 * request arrives and ended when its response is sent. It continues the caller's `traceparent`
 * (a new trace without one); its ids go on the request's log lines, and the spans made for the
 * request go under it (`trace.parent`).
 */
export function serverSpan(tracer: Tracer): Tracing['serverSpan'] {
  return (request, path, record) => {
    const caller = propagator.extract(ROOT_CONTEXT, request.headers, defaultTextMapGetter);
    const method = request.method ?? 'GET';
    const attributes: Attributes = {};
    attributes[ATTR_HTTP_REQUEST_METHOD] = method;
    attributes[ATTR_HTTP_ROUTE] = path;
    attributes[ATTR_URL_PATH] = path;
    attributes[ATTR_URL_SCHEME] = 'http';
    const span = tracer.startSpan(
      `${method} ${path}`,
      { kind: SpanKind.SERVER, attributes },
      caller,
    );
    const { trace } = record;
    const { traceId, spanId } = span.spanContext();
    trace.ids = { trace_id: traceId, span_id: spanId };
    trace.parent = otelTrace.setSpan(caller, span);
    servers.set(trace, span);
    return (status) => {
      // A trusted document's id; an unknown one only when it looks like an id (it is the caller's).
      const document = record.document;
      if (document && (document.known || DOCUMENT_ID.test(document.id))) {
        span.setAttribute(ATTR_GRAPHQL_DOCUMENT_ID, document.id);
      }
      // The operation, as the gateway's own plugin found it when execution began.
      if (record.operationType !== null) {
        span.setAttribute(ATTR_GRAPHQL_OPERATION_TYPE, record.operationType);
      }
      if (record.operationName !== null) {
        span.setAttribute(ATTR_GRAPHQL_OPERATION_NAME, record.operationName);
      }
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (status >= 500) {
        span.setAttribute(ATTR_ERROR_TYPE, String(status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    };
  };
}

/**
 * The yoga plugin, for what only GraphQL knows: the error codes on the server span (its
 * operation's name and type come from the request record), and `graphql.parse` and
 * `graphql.validate` spans when a document is parsed and validated. Yoga's cache answers most
 * requests, and a span for a cache hit would cost more than it tells (these spans are made when
 * the phase ends, as the other plugins' hooks, graphql-armor's parser among them, decide what
 * runs). There is no `graphql.execute` span: below the server span it told little (execution is
 * nearly all of a request's time), and it cost a fifth of what tracing costs (README, "Tracing").
 *
 * Spans are handed down explicitly, through the request's `RequestTrace` (`trace.parent`), not
 * through an async context manager: AsyncLocalStorage on Node.js 20 hooks every promise of the
 * process, and cost more than the spans themselves.
 */
export function tracingPlugin(tracer: Tracer): Plugin {
  const seen = new WeakSet<object>();
  /** A span for a phase that has just ended, under the request's server span. */
  const phase = (context: unknown, name: string, started: number, error?: Error) => {
    const parent = traceOf(context)?.parent as Context | undefined;
    if (parent === undefined) return;
    const span = tracer.startSpan(name, { startTime: started }, parent);
    if (error) failed(span, error);
    span.end();
  };
  return {
    // A document parsed (or validated) now is new; one from yoga's cache was seen before.
    onParse({ context }) {
      const started = performance.now();
      return ({ result }) => {
        // A document, or the syntax error; a new object unless the cache answered.
        const parsed = result as object | null;
        if (parsed === null || seen.has(parsed)) return;
        seen.add(parsed);
        phase(context, 'graphql.parse', started, parsed instanceof Error ? parsed : undefined);
      };
    },
    onValidate({ context }) {
      const started = performance.now();
      return ({ result }) => {
        // The validation errors, a new array unless the cache answered.
        const errors = result as readonly unknown[];
        if (seen.has(errors)) return;
        seen.add(errors);
        phase(context, 'graphql.validate', started);
      };
    },
    onExecutionResult({ result, context }) {
      const trace = traceOf(context);
      const span = trace && servers.get(trace);
      if (!span || !result || !('errors' in result) || !result.errors?.length) return;
      const codes = new Set(result.errors.map((error) => errorCode(error.extensions.code)));
      span.setAttribute(ATTR_GRAPHQL_ERROR_CODES, [...codes].sort());
    },
  };
}

/** SWR's error codes look like `SVCSTG.SWR.4001048` or `APIG.0308`; anything else is left out. */
const SWR_ERROR_CODE = /^[A-Z][A-Za-z0-9_.]{0,63}$/;

/** What an attempt outside any traced request gets: no span, no header. */
const UNTRACED: AttemptWatch = { headers: {}, end: () => undefined };

/**
 * The SWR client's observer: a client span per attempt, under the span its call carries (the
 * request's server span), named by method and route template; the `traceparent` sent
 * with the attempt names that span. A call without one (tracing off for it) is not traced.
 */
export function upstreamObserver(tracer: Tracer, endpoint: string): AttemptObserver {
  const url = new URL(endpoint);
  const scheme = url.protocol.replace(/:$/, '');
  const server: Attributes = {
    [ATTR_SERVER_ADDRESS]: url.hostname,
    [ATTR_SERVER_PORT]: Number(url.port || (scheme === 'https' ? 443 : 80)),
    [ATTR_URL_SCHEME]: scheme,
  };
  return ({ operation, method, route, retry, parent }) => {
    if (parent === undefined) return UNTRACED;
    const attributes: Attributes = Object.assign({}, server);
    attributes[ATTR_HTTP_REQUEST_METHOD] = method;
    attributes[ATTR_URL_TEMPLATE] = route;
    attributes[ATTR_SWR_OPERATION] = operation;
    if (retry > 0) attributes[ATTR_HTTP_REQUEST_RESEND_COUNT] = retry;
    const span = tracer.startSpan(
      `${method} ${route}`,
      { kind: SpanKind.CLIENT, attributes },
      parent as Context,
    );
    // W3C's `traceparent` of the client span, written directly: what the propagator would write,
    // without a context made for it.
    const { traceId, spanId, traceFlags, traceState } = span.spanContext();
    const headers: Record<string, string> = {
      traceparent: `00-${traceId}-${spanId}-0${(traceFlags & TraceFlags.SAMPLED).toString(16)}`,
    };
    if (traceState) headers.tracestate = traceState.serialize();
    return {
      headers,
      end({ outcome, status, errorCode }) {
        if (status !== null) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
        if (errorCode !== undefined && SWR_ERROR_CODE.test(errorCode)) {
          span.setAttribute(ATTR_SWR_ERROR_CODE, errorCode);
        }
        if (outcome !== 'ok') {
          span.setAttribute(ATTR_ERROR_TYPE, outcome === 'status' ? String(status) : outcome);
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      },
    };
  };
}
