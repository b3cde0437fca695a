/**
 * Shared pieces of the hardening suites: a programmable stand-in upstream on loopback that
 * answers each request as scripted (proxied to a real sandbox, or failing in a chosen way) and
 * records every attempt it sees; the gateway app started with a config from an env object; an
 * in-memory pino logger; HTTP helpers; and a Prometheus text reader.
 *
 * Nothing here talks to anything but 127.0.0.1.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { startApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { REDACTED_PATHS } from '../../src/observability/logger';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server';
import {
  json,
  onlyError,
  post,
  type Answer,
  type GraphQLBody,
  type GraphQLError,
} from '../support/http';
import { listenOnLoopback } from '../support/listen';

// ---------------------------------------------------------------------------------------------
// The stand-in upstream

/** How the stand-in answers one request. */
export type Behaviour =
  /** Forward to the real sandbox (after `delayMs`) and pipe its answer back. */
  | { kind: 'proxy'; delayMs?: number }
  /** Answer this status and body (after `delayMs`). */
  | {
      kind: 'status';
      status: number;
      body?: string;
      headers?: Record<string, string>;
      delayMs?: number;
    }
  /** Destroy the connection without answering (after `delayMs`). */
  | { kind: 'reset'; delayMs?: number }
  /** Never answer. */
  | { kind: 'hang' }
  /** Send 200 headers, then one body byte every `everyMs`, never finishing. */
  | { kind: 'trickle'; everyMs: number }
  /** Forward a list request, and answer as if the list ended after `total` rows. */
  | { kind: 'truncate'; total: number };

export const PROXY: Behaviour = { kind: 'proxy' };
export const truncatedTo = (total: number): Behaviour => ({ kind: 'truncate', total });
export const RESET: Behaviour = { kind: 'reset' };
export const HANG: Behaviour = { kind: 'hang' };

export function status(
  code: number,
  body = '',
  headers: Record<string, string> = {},
  delayMs = 0,
): Behaviour {
  return {
    kind: 'status',
    status: code,
    body,
    headers: { 'content-type': 'application/json', ...headers },
    delayMs,
  };
}

export const FAIL_500 = status(
  500,
  '[{"errorCode":"SVCSTG.SWR.5001056","errorMessage":"Failed to obtain the tag list","detail":""}]',
);
export const FAIL_503 = status(503, '<html>Service Unavailable</html>', {
  'content-type': 'text/html',
});
export const THROTTLED_429 = status(
  429,
  '{"error_code":"APIG.0308","error_msg":"The throttling threshold has been reached"}',
  { 'retry-after': '1' },
);
export const THROTTLED_403 = status(
  403,
  '{"errors":[{"errorCode":"SVCSTG.SWR.4031032","errorMessage":"too many requests","detail":""}]}',
);
export const UNAUTHORIZED_401 = status(
  401,
  '{"error_code":"SVCSTG.SWR.4010000","error_msg":"token expired"}',
);
/** 200 with a body that is not JSON at all (cut off mid-object). */
export const MALFORMED_200 = status(200, '[{"Tag":"latest","digest":', {
  'content-range': '0-1/1',
});

/** One request as the stand-in received it. */
export interface Attempt {
  /** `performance.now()` when the request arrived. */
  at: number;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Whether the stand-in's answer was sent whole, once its connection closed. */
  closed: Promise<boolean>;
}

export interface StandIn {
  /** E.g. http://127.0.0.1:40123 — the gateway's SWR_ENDPOINT. */
  url: string;
  sandbox: SandboxHandle;
  /** Every request received since the last `reset()`, in order. */
  attempts: Attempt[];
  /** Queues behaviours for the next requests, in order. */
  script(...behaviours: Behaviour[]): void;
  /** The behaviour once the script is used up (PROXY at first). */
  otherwise(behaviour: Behaviour): void;
  /** Clears the script, the fallback (back to PROXY) and the attempts. */
  reset(): void;
  close(): Promise<void>;
}

function proxy(sandbox: SandboxHandle, request: IncomingMessage, response: ServerResponse): void {
  const target = new URL(sandbox.url);
  const forwarded = httpRequest(
    {
      host: target.hostname,
      port: target.port,
      method: request.method,
      path: request.url,
      headers: { ...request.headers, host: target.host, connection: 'close' },
      agent: false,
    },
    (answer) => {
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && name !== 'connection' && name !== 'keep-alive') {
          headers[name] = value;
        }
      }
      response.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(response);
    },
  );
  forwarded.on('error', () => {
    response.destroy();
  });
  request.pipe(forwarded);
}

/** The sandbox's answer to a list request, cut to a list of `total` rows. */
async function truncated(
  sandbox: SandboxHandle,
  request: IncomingMessage,
  total: number,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const url = new URL(request.url ?? '/', sandbox.url);
  const headers: Record<string, string> = {};
  for (const name of ['x-auth-token', 'content-type']) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const answer = await fetch(url, { headers });
  const text = await answer.text();
  if (answer.status !== 200) {
    return { status: answer.status, headers: { 'content-type': 'application/json' }, body: text };
  }
  const offset = Number(url.searchParams.get('offset') ?? 0);
  const rows = (JSON.parse(text) as unknown[]).slice(0, Math.max(0, total - offset));
  return {
    status: 200,
    headers: {
      'content-type': 'application/json',
      'content-range': `${offset}-${offset + rows.length - 1}/${total}`,
    },
    body: JSON.stringify(rows),
  };
}

export async function startStandIn(): Promise<StandIn> {
  const sandbox = await startSandbox();
  const attempts: Attempt[] = [];
  let queue: Behaviour[] = [];
  let fallback: Behaviour = PROXY;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, run: () => void): void => {
    if (ms <= 0) {
      run();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const server = createServer((request, response) => {
    attempts.push({
      at: performance.now(),
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      headers: request.headers,
      closed: new Promise((resolve) => {
        response.on('close', () => {
          resolve(response.writableFinished);
        });
      }),
    });
    const behaviour = queue.shift() ?? fallback;
    switch (behaviour.kind) {
      case 'proxy':
        later(behaviour.delayMs ?? 0, () => {
          proxy(sandbox, request, response);
        });
        return;
      case 'status':
        request.resume();
        later(behaviour.delayMs ?? 0, () => {
          response.writeHead(behaviour.status, behaviour.headers ?? {});
          response.end(behaviour.body ?? '');
        });
        return;
      case 'reset':
        request.resume();
        later(behaviour.delayMs ?? 0, () => {
          request.socket.destroy();
        });
        return;
      case 'hang':
        request.resume();
        return;
      case 'truncate':
        request.resume();
        truncated(sandbox, request, behaviour.total).then(
          ({ status: code, headers, body }) => {
            response.writeHead(code, headers).end(body);
          },
          () => {
            response.destroy();
          },
        );
        return;
      case 'trickle': {
        request.resume();
        response.writeHead(200, { 'content-type': 'application/json', 'content-range': '0-1/1' });
        response.write('[');
        const timer = setInterval(() => {
          response.write(' ');
        }, behaviour.everyMs);
        response.on('close', () => {
          clearInterval(timer);
        });
        return;
      }
    }
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    sandbox,
    attempts,
    script(...behaviours) {
      queue.push(...behaviours);
    },
    otherwise(behaviour) {
      fallback = behaviour;
    },
    reset() {
      queue = [];
      fallback = PROXY;
      attempts.length = 0;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await listening.close();
      await sandbox.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The gateway

export interface Gateway {
  app: App;
  /** http://127.0.0.1:{port} */
  base: string;
  /** http://127.0.0.1:{port}/graphql */
  url: string;
  /** The subgraph for routers: http://127.0.0.1:{port}/subgraph, or on SUBGRAPH_PORT. */
  subgraphUrl: string;
  /** `/metrics` on METRICS_PORT (a port of its own, picked by the system unless `env` says). */
  metricsUrl: string;
}

/** Starts the whole app on 127.0.0.1:0 with a config built from `env`. */
export async function startGateway(
  env: Record<string, string>,
  logger: Logger | false = false,
): Promise<Gateway> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    METRICS_PORT: '0',
    ...env,
  });
  const app = await startApp(config, logger);
  const { port } = app.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    app,
    base,
    url: `${base}/graphql`,
    subgraphUrl: app.subgraphUrl.replace('localhost', '127.0.0.1'),
    metricsUrl: (app.metricsUrl ?? '').replace('localhost', '127.0.0.1'),
  };
}

// ---------------------------------------------------------------------------------------------
// Requests

export { json, onlyError, post, type Answer, type GraphQLBody, type GraphQLError };

/** Posts a GraphQL query with the token given (none when null). */
export function graphql(
  url: string,
  query: string,
  token: string | null,
  extra: { variables?: Record<string, unknown>; operationName?: string } = {},
  headers: Record<string, string> = {},
): Promise<Answer> {
  return post(
    url,
    { query, ...extra },
    {
      ...(token === null ? {} : { 'x-auth-token': token }),
      ...headers,
    },
  );
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(url, { headers });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    ms: performance.now() - started,
  };
}

/** A query that costs exactly one upstream request: library/nginx (97 tags), first 2. */
export const NGINX_QUERY = `query Nginx {
  repository(namespace: "library", name: "nginx") { tags(first: 2) { totalCount nodes { name } } }
}`;

/** Checks a served NGINX_QUERY answer. */
export function expectNginxData(answer: Answer): void {
  const body = json(answer);
  expect(body.errors).toBeUndefined();
  const repository = body.data?.repository as
    { tags: { totalCount: number; nodes: { name: string }[] } } | undefined;
  expect(repository?.tags.totalCount).toBe(97);
  expect(repository?.tags.nodes).toHaveLength(2);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// Logs

export interface MemoryLog {
  logger: Logger;
  lines: string[];
}

/** A pino logger with the production redaction, writing every line into memory. */
export function memoryLogger(): MemoryLog {
  const lines: string[] = [];
  let pending = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      pending += chunk.toString();
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        lines.push(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      callback();
    },
  });
  const logger = pino(
    { level: 'trace', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    stream,
  );
  return { logger, lines };
}

// ---------------------------------------------------------------------------------------------
// Metrics

/**
 * The value of one sample of a Prometheus text exposition, by name and exact labels (every
 * label given must match; others may exist). 0 when the sample is absent.
 */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const present: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      present[pair[1] ?? ''] = pair[2] ?? '';
    }
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) {
      return Number(match[3]);
    }
  }
  return 0;
}
