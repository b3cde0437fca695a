import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  createContextKey,
  isSpanContextValid,
  propagation,
  trace,
  type Attributes,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
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
import { getOperationAST, type ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { AttemptObserver } from '../swr/client';
import type { TraceFields } from './tracing-types';

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

const HEADERS: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as Promise<unknown> | null)?.then === 'function';
}

function failed(span: Span, error: unknown): void {
  span.setAttribute(ATTR_ERROR_TYPE, error instanceof Error ? error.name : 'unknown');
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** Runs `work` with `span` active, and ends the span when the work (sync or async) is done. */
function within<T>(span: Span, work: () => T, base = context.active()): T {
  let result: T;
  try {
    result = context.with(trace.setSpan(base, span), work);
  } catch (error) {
    failed(span, error);
    span.end();
    throw error;
  }
  if (!isPromise(result)) {
    span.end();
    return result;
  }
  return result.then(
    (value) => {
      span.end();
      return value;
    },
    (error: unknown) => {
      failed(span, error);
      span.end();
      throw error;
    },
  ) as T;
}

/** The persisted document's id, when the request names one (a hash, never the document). */
function documentId(params: { extensions?: Record<string, unknown> }): string | undefined {
  const extensions = params.extensions;
  const persisted = extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
  const id = (params as { documentId?: unknown }).documentId ?? persisted?.sha256Hash;
  return typeof id === 'string' && /^[\w:.-]{1,128}$/.test(id) ? id : undefined;
}

/** A GraphQL error's code as recorded: one of the API's codes, never free text. */
function errorCode(code: unknown): string {
  if (code === undefined) return 'INTERNAL_SERVER_ERROR';
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(code) ? code : 'OTHER';
}

/** What the HTTP layer passes with each request; the plugin leaves the trace ids on it. */
interface TracedServerContext {
  record?: { trace?: TraceFields };
}

/** The request's server span, in the context of everything done for it. */
const SERVER_SPAN = createContextKey('swr-graphql-gateway server span');

function serverSpan(): Span | undefined {
  return context.active().getValue(SERVER_SPAN) as Span | undefined;
}

/** The path of a request's URL (`http://host:port/path?query`), without parsing all of it. */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  const end = url.indexOf('?', start);
  return end < 0 ? url.slice(start) : url.slice(start, end);
}

/**
 * The yoga plugin: a server span per request to `graphqlPath` that continues the caller's
 * `traceparent` (a new trace without one), with `graphql.execute` below it, and SWR's client
 * spans below that. `graphql.parse` and `graphql.validate` are spans when a document is parsed
 * and validated; yoga's cache answers most requests, and a span for a cache hit would cost more
 * than it tells (the spans are made when the phase ends, as the other plugins' hooks, graphql
 * armor's parser among them, decide what runs). The hooks find the server span in the active context (the GraphQL context's
 * `request` is this gateway's request record, not the HTTP request).
 */
export function tracingPlugin(tracer: Tracer, graphqlPaths: readonly string[]): Plugin {
  const seen = new WeakSet<object>();
  return {
    instrumentation: {
      request({ request }, wrapped) {
        const path = pathOf(request.url);
        // The GraphQL endpoints only: not the health check yoga answers too.
        if (!graphqlPaths.includes(path)) return wrapped();
        const parent = propagation.extract(ROOT_CONTEXT, request.headers, HEADERS);
        const span = tracer.startSpan(
          `${request.method} ${path}`,
          {
            kind: SpanKind.SERVER,
            attributes: {
              [ATTR_HTTP_REQUEST_METHOD]: request.method,
              [ATTR_HTTP_ROUTE]: path,
              [ATTR_URL_PATH]: path,
              [ATTR_URL_SCHEME]: 'http',
            },
          },
          parent,
        );
        return within(span, wrapped, parent.setValue(SERVER_SPAN, span));
      },
      execute: (_payload, wrapped) => within(tracer.startSpan('graphql.execute'), wrapped),
    },
    // A document parsed (or validated) now is new; one from yoga's cache was seen before.
    onParse() {
      const started = performance.now();
      return ({ result }) => {
        // A document, or the syntax error; a new object unless the cache answered.
        const parsed = result as object | null;
        if (parsed === null || seen.has(parsed)) return;
        seen.add(parsed);
        const span = tracer.startSpan('graphql.parse', { startTime: started });
        if (parsed instanceof Error) failed(span, parsed);
        span.end();
      };
    },
    onValidate() {
      const started = performance.now();
      return ({ result }) => {
        // The validation errors, a new array unless the cache answered.
        const errors = result as readonly unknown[];
        if (seen.has(errors)) return;
        seen.add(errors);
        tracer.startSpan('graphql.validate', { startTime: started }).end();
      };
    },
    onRequest({ serverContext }) {
      const span = serverSpan();
      const record = (serverContext as TracedServerContext).record;
      if (span && record) {
        const { traceId, spanId } = span.spanContext();
        record.trace = { trace_id: traceId, span_id: spanId };
      }
    },
    onParams({ params }) {
      const id = documentId(params);
      if (id !== undefined) serverSpan()?.setAttribute(ATTR_GRAPHQL_DOCUMENT_ID, id);
    },
    onExecute({ args }) {
      // envelop types the arguments loosely; they are graphql-js's execution arguments.
      const { document, operationName } = args as ExecutionArgs;
      const span = serverSpan();
      const operation = span && getOperationAST(document, operationName);
      if (!span || !operation) return;
      span.setAttribute(ATTR_GRAPHQL_OPERATION_TYPE, operation.operation);
      if (operation.name) span.setAttribute(ATTR_GRAPHQL_OPERATION_NAME, operation.name.value);
    },
    onExecutionResult({ result }) {
      const span = serverSpan();
      if (!span || !result || !('errors' in result) || !result.errors?.length) return;
      const codes = new Set(result.errors.map((error) => errorCode(error.extensions.code)));
      span.setAttribute(ATTR_GRAPHQL_ERROR_CODES, [...codes].sort());
    },
    onResponse({ response }) {
      const span = serverSpan();
      if (!span) return;
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
      if (response.status >= 500) {
        span.setAttribute(ATTR_ERROR_TYPE, String(response.status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
    },
  };
}

/** SWR's error codes look like `SVCSTG.SWR.4001048` or `APIG.0308`; anything else is left out. */
const SWR_ERROR_CODE = /^[A-Z][A-Za-z0-9_.]{0,63}$/;

/**
 * The SWR client's observer: a client span per attempt, child of the span active when it is
 * made (the request's `graphql.execute`), named by method and route template; the
 * `traceparent` to send with it names that span.
 */
export function upstreamObserver(tracer: Tracer, endpoint: string): AttemptObserver {
  const url = new URL(endpoint);
  const scheme = url.protocol.replace(/:$/, '');
  const server: Attributes = {
    [ATTR_SERVER_ADDRESS]: url.hostname,
    [ATTR_SERVER_PORT]: Number(url.port || (scheme === 'https' ? 443 : 80)),
    [ATTR_URL_SCHEME]: scheme,
  };
  return ({ operation, method, route, retry }) => {
    const parent = context.active();
    const span = tracer.startSpan(
      `${method} ${route}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          ...server,
          [ATTR_HTTP_REQUEST_METHOD]: method,
          [ATTR_URL_TEMPLATE]: route,
          [ATTR_SWR_OPERATION]: operation,
          ...(retry > 0 && { [ATTR_HTTP_REQUEST_RESEND_COUNT]: retry }),
        },
      },
      parent,
    );
    const headers: Record<string, string> = {};
    propagation.inject(trace.setSpan(parent, span), headers);
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

/** For pino's `mixin` (which adds the line's own fields to the object returned): the ids of the active span, on every line logged within a request. */
export function activeTraceFields(): Partial<TraceFields> {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
