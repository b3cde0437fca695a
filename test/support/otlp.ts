import { createServer } from 'node:http';
import protobufRoot from 'otlp-protobuf/build/src/generated/root';
import { listenOnLoopback } from './listen';

/**
 * An OTLP/HTTP trace receiver on loopback, as a collector would be: it accepts
 * `POST /v1/traces` in either encoding (`application/json`, or `application/x-protobuf`
 * decoded with the ExportTraceServiceRequest code generated from OpenTelemetry's .proto files,
 * as shipped in @opentelemetry/otlp-transformer 0.215), keeps every body as received, and
 * reads the spans out of them.
 */

export type AttributeValue = string | number | boolean | AttributeValue[];

export interface ExportedSpan {
  /** The `service.name` of the resource that exported it. */
  service: string;
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, AttributeValue>;
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  status: number;
}

export const SERVER = 2;
export const CLIENT = 3;

export interface Export {
  contentType: string;
  body: Buffer;
}

export interface OtlpReceiver {
  /** E.g. http://127.0.0.1:40123, the value of OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  exports: Export[];
  spans(): ExportedSpan[];
  /** Resolves with the spans once `done(spans)` holds; fails after `timeoutMs`. */
  waitFor(done: (spans: ExportedSpan[]) => boolean, timeoutMs?: number): Promise<ExportedSpan[]>;
  close(): Promise<void>;
}

// The shapes both encodings share once decoded (protobuf's bytes are Buffers, JSON's hex).
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface RawSpan {
  traceId: string | Uint8Array;
  spanId: string | Uint8Array;
  parentSpanId?: string | Uint8Array;
  name: string;
  kind?: number;
  attributes?: KeyValue[];
  status?: { code?: number };
}
interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { spans?: RawSpan[] }[];
  }[];
}

interface GeneratedType {
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: { longs: NumberConstructor; defaults: boolean }): unknown;
}
const ExportTraceServiceRequest = (
  protobufRoot as unknown as {
    opentelemetry: {
      proto: { collector: { trace: { v1: { ExportTraceServiceRequest: GeneratedType } } } };
    };
  }
).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

function hex(id: string | Uint8Array | undefined): string {
  if (id === undefined) return '';
  return typeof id === 'string' ? id : Buffer.from(id).toString('hex');
}

function valueOf(value: AnyValue | undefined): AttributeValue {
  if (value?.stringValue !== undefined) return value.stringValue;
  if (value?.boolValue !== undefined) return value.boolValue;
  if (value?.intValue !== undefined) return Number(value.intValue);
  if (value?.doubleValue !== undefined) return value.doubleValue;
  if (value?.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(valueOf);
  throw new Error(`an attribute value of an unexpected shape: ${JSON.stringify(value)}`);
}

function attributesOf(list: KeyValue[] | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, valueOf(kv.value)]));
}

export function decodeExport({ contentType, body }: Export): ExportRequest {
  if (contentType.startsWith('application/json'))
    return JSON.parse(body.toString()) as ExportRequest;
  if (contentType.startsWith('application/x-protobuf')) {
    const message = ExportTraceServiceRequest.decode(body);
    return ExportTraceServiceRequest.toObject(message, {
      longs: Number,
      defaults: false,
    }) as ExportRequest;
  }
  throw new Error(`an export with content type ${contentType}`);
}

export function spansOf(request: ExportRequest): ExportedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        service,
        traceId: hex(span.traceId),
        spanId: hex(span.spanId),
        parentSpanId: hex(span.parentSpanId),
        name: span.name,
        kind: span.kind ?? 0,
        attributes: attributesOf(span.attributes),
        status: span.status?.code ?? 0,
      })),
    );
  });
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const exports: Export[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const contentType = request.headers['content-type'] ?? '';
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        response.writeHead(404).end();
        return;
      }
      exports.push({ contentType, body: Buffer.concat(chunks) });
      // An empty ExportTraceServiceResponse: `{}`, or no bytes at all in protobuf.
      const json = contentType.startsWith('application/json');
      response.writeHead(200, { 'content-type': contentType }).end(json ? '{}' : '');
    });
  });
  const listening = await listenOnLoopback(server);
  const spans = (): ExportedSpan[] => exports.flatMap((e) => spansOf(decodeExport(e)));
  return {
    url: listening.url,
    exports,
    spans,
    async waitFor(done, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = spans();
        if (done(found)) return found;
        if (Date.now() > deadline) {
          const names = found.map((span) => `${span.service}: ${span.name}`);
          throw new Error(`the spans awaited did not arrive; these did:\n${names.join('\n')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: listening.close,
  };
}
