import { ConfigError } from '../config-error';
import type { Tracing, TracingProtocol, TracingSettings } from './tracing-types';

export { DEFAULT_SERVICE_NAME, type Tracing, type TracingSettings } from './tracing-types';

/**
 * OpenTelemetry tracing, configured by the standard `OTEL_*` environment variables alone.
 *
 * On when `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set, or
 * `OTEL_TRACES_EXPORTER=otlp`; off otherwise (and with `OTEL_TRACES_EXPORTER=none` or
 * `OTEL_SDK_DISABLED=true`). Off, nothing of the SDK is loaded: no plugin, no observer, no
 * trace ids logged, no `traceparent` sent. On, the SDK is loaded from `./tracing-sdk` and gives:
 *
 * - a yoga plugin: a server span per GraphQL request that continues the caller's
 *   `traceparent`, with `graphql.parse` and `graphql.validate` spans when yoga's cache does not
 *   answer; its ids go on the request's log lines (`trace_id`, `span_id`);
 * - an observer for the SWR client: a client span per attempt, retries included, whose
 *   `traceparent` goes to SWR with it.
 *
 * What the spans may hold is decided in `./tracing-spans`: never a token, a cursor, a query
 * string, a document or a variable's value.
 */

type Env = Readonly<Record<string, string | undefined>>;

const PROTOCOLS: readonly string[] = ['http/protobuf', 'http/json'];
const SAMPLERS: readonly string[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];
const BATCH_SETTINGS = [
  'OTEL_BSP_SCHEDULE_DELAY',
  'OTEL_BSP_EXPORT_TIMEOUT',
  'OTEL_BSP_MAX_QUEUE_SIZE',
  'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
];

function given(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function checkUrl(env: Env, name: string, problems: string[]): void {
  const raw = given(env, name);
  if (raw === undefined) return;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    problems.push(`${name} must be an http(s) URL, not "${raw}"`);
  }
}

/**
 * Whether tracing is on, and how, from the environment; null when it is off. A value the
 * gateway cannot honour stops it with a message naming the variable, as other settings do.
 */
export function tracingSettings(env: Env): TracingSettings | null {
  const exporter = given(env, 'OTEL_TRACES_EXPORTER');
  const endpoint =
    given(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? given(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const problems: string[] = [];
  if (exporter !== undefined && exporter !== 'otlp' && exporter !== 'none') {
    problems.push(`OTEL_TRACES_EXPORTER must be "otlp" or "none", not "${exporter}"`);
  }
  const on =
    given(env, 'OTEL_SDK_DISABLED') !== 'true' &&
    exporter !== 'none' &&
    (exporter === 'otlp' || endpoint !== undefined);
  if (!on && problems.length === 0) return null;

  checkUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', problems);
  checkUrl(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', problems);
  const protocolName = given(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL')
    ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
    : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = given(env, protocolName) ?? 'http/protobuf';
  if (!PROTOCOLS.includes(protocol)) {
    problems.push(`${protocolName} must be "http/protobuf" or "http/json", not "${protocol}"`);
  }
  const sampler = given(env, 'OTEL_TRACES_SAMPLER');
  if (sampler !== undefined && !SAMPLERS.includes(sampler)) {
    problems.push(`OTEL_TRACES_SAMPLER must be one of ${SAMPLERS.join(', ')}, not "${sampler}"`);
  }
  const ratio = given(env, 'OTEL_TRACES_SAMPLER_ARG');
  if (sampler?.endsWith('traceidratio') && ratio !== undefined) {
    const value = Number(ratio);
    if (!(value >= 0 && value <= 1)) {
      problems.push(`OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1, not "${ratio}"`);
    }
  }
  for (const name of BATCH_SETTINGS) {
    const raw = given(env, name);
    if (raw !== undefined && !/^\d{1,9}$/.test(raw)) {
      problems.push(`${name} must be a whole number, not "${raw}"`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { protocol: protocol as TracingProtocol };
}

/**
 * Starts tracing when the environment asks for it; null (and nothing loaded) when it does not.
 * The SDK reads the rest of its settings (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`,
 * `OTEL_TRACES_SAMPLER[_ARG]`, `OTEL_BSP_*`, `OTEL_EXPORTER_OTLP_*` endpoints, headers,
 * timeout and compression) from `process.env` itself.
 */
export async function startTracing(): Promise<Tracing | null> {
  const settings = tracingSettings(process.env);
  if (settings === null) return null;
  const { startSdk } = await import('./tracing-sdk.js');
  return startSdk(settings);
}
