/**
 * The embedded SWR sandbox: a strict local implementation, over plain `node:http`, of the SWR
 * endpoints the gateway uses:
 *
 * - `GET /v2/manage/namespaces` and `GET /v2/manage/namespaces/{namespace}`
 * - `GET /v2/manage/repos?namespace=..` (the repository list)
 * - `GET /v2/manage/namespaces/{namespace}/repos/{repository}` (a repository's details)
 * - `GET /v2/manage/namespaces/{namespace}/repos/{repository}/tags` (the tag list)
 * - `DELETE /v2/manage/namespaces/{namespace}/repos/{repository}/tags/{tag}`
 *
 * and one of its own, which SWR has not: `PUT /sandbox/namespaces/{namespace}/repos/
 * {repository}/tags/{tag}` pushes a tag (new, or again), as `docker push` would.
 *
 * It plays one of several SWR servers (`flavor`, flavors.ts): the reference page's, and those
 * of the vendors' material, which differ in fields, times, filters, orders and errors.
 *
 * Check order (first failure wins): route → token → Content-Type → namespace visibility (for
 * paths that name one) → permission (DELETE, PUT) → repository → query parameters. Lists are
 * answered from pre-serialised JSON. A deleted or pushed tag changes this sandbox only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deleteTag, listNamespaces, listRepositories, pushTag, repositoryDetails } from './browse';
import { defaultDataset } from './dataset';
import { flavorRules, type FlavorRules, type SandboxFlavor } from './flavors';
import { isDockerTag } from './names';
import {
  BAD_CONTENT_TYPE,
  NAMESPACE_NOT_FOUND,
  NO_TOKEN,
  REPOSITORY_NOT_FOUND,
  ROUTE_NOT_FOUND,
  huawei,
  type Answer,
} from './replies';
import { appendToLog, waitOf, type AnswerDelay, type RecordedRequest } from './request-log';
import { SandboxState } from './state';
import { listTags } from './tags';

export const DEMO_TOKEN = 'sandbox-demo-token';
export const OTHER_TOKEN = 'sandbox-other-token';
/** The account of the organizations `team`, `team-b` and `myteam`, whose names contain another's. */
export const PARTNER_TOKEN = 'sandbox-partner-token';

export { REQUEST_LOG_CAP, roundsOf, type AnswerDelay, type RecordedRequest } from './request-log';

const TOKENS: ReadonlyMap<string, string> = new Map([
  [DEMO_TOKEN, 'demo'],
  [OTHER_TOKEN, 'other'],
  [PARTNER_TOKEN, 'partner'],
]);

/** The token that signs in as `account` (`demo`, `other` or `partner`). */
export function tokenOf(account: string): string | undefined {
  return [...TOKENS].find(([, owner]) => owner === account)?.[0];
}

export interface SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a random free port. */
  port?: number;
  /** How long every answer waits, as a remote region's round trip would (default 0 ms). */
  delay?: AnswerDelay;
  /** Which SWR server the sandbox plays (see flavors.ts; default `reference`). */
  flavor?: SandboxFlavor;
}

export interface SandboxHandle {
  /** E.g. `http://127.0.0.1:12345`. */
  url: string;
  port: number;
  /** Every request served, in the order answered (the most recent ones; capped). */
  requests: RecordedRequest[];
  resetRequests(): void;
  /** Pushes a tag (new, or again) into a repository of the demo data, as `docker push` would. */
  pushTag(namespace: string, repository: string, tag: string): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Parsing

type Route =
  | { kind: 'namespaces' }
  | { kind: 'repositories' }
  | { kind: 'namespace'; namespace: string }
  | {
      kind: 'repository' | 'tags';
      namespace: string;
      /** Decoded, `$` replaced by `/`; undefined when the segment names no repository. */
      repository: string | undefined;
    }
  | { kind: 'tag' | 'push'; namespace: string; repository: string | undefined; tag: string };

/** A repository segment: `$` (or `%24`) stands for `/`; a `/` that arrives encoded names none. */
function repositoryName(segment: string | undefined): string | undefined | null {
  const name = decodeSegment(segment);
  if (name === undefined) return null;
  return name.includes('/') ? undefined : name.replaceAll('$', '/');
}

/** What a method and path ask for, or undefined for any other request. */
function matchRoute(method: string, path: string): Route | undefined {
  const parts = path.split('/');
  if (parts[0] === '' && parts[1] === 'sandbox') return matchSandboxRoute(method, parts);
  if (parts[0] !== '' || parts[1] !== 'v2' || parts[2] !== 'manage') return undefined;
  if (parts.length === 4 && parts[3] === 'repos') {
    return method === 'GET' ? { kind: 'repositories' } : undefined;
  }
  if (parts[3] !== 'namespaces') return undefined;
  if (parts.length === 4) return method === 'GET' ? { kind: 'namespaces' } : undefined;
  const namespace = decodeSegment(parts[4]);
  if (namespace === undefined) return undefined;
  if (parts.length === 5) return method === 'GET' ? { kind: 'namespace', namespace } : undefined;
  if (parts[5] !== 'repos') return undefined;
  const repository = repositoryName(parts[6]);
  if (repository === null) return undefined;
  if (parts.length === 7 && method === 'GET') return { kind: 'repository', namespace, repository };
  if (parts[7] !== 'tags') return undefined;
  if (parts.length === 8 && method === 'GET') return { kind: 'tags', namespace, repository };
  const tag = decodeSegment(parts[8]);
  if (parts.length === 9 && method === 'DELETE' && tag !== undefined) {
    return { kind: 'tag', namespace, repository, tag };
  }
  return undefined;
}

/**
 * The sandbox's own route, which SWR has not: `PUT /sandbox/namespaces/{namespace}/repos/
 * {repository}/tags/{tag}` pushes a tag (new, or again), as `docker push` would, so that a
 * front end can be watched while its list changes.
 */
function matchSandboxRoute(method: string, parts: string[]): Route | undefined {
  if (method !== 'PUT' || parts.length !== 8) return undefined;
  if (parts[2] !== 'namespaces' || parts[4] !== 'repos' || parts[6] !== 'tags') return undefined;
  const namespace = decodeSegment(parts[3]);
  const repository = repositoryName(parts[5]);
  const tag = decodeSegment(parts[7]);
  if (namespace === undefined || repository === null || tag === undefined) return undefined;
  return { kind: 'push', namespace, repository, tag };
}

function decodeSegment(segment: string | undefined): string | undefined {
  if (!segment) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function parseQuery(raw: string): Record<string, string> {
  const query: Record<string, string> = {};
  if (raw === '') return query;
  for (const [key, value] of new URLSearchParams(raw)) {
    if (!Object.hasOwn(query, key)) query[key] = value;
  }
  return query;
}

function acceptableContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const normalized = header.trim().toLowerCase().replace(/\s+/g, ' ');
  if (normalized === 'application/json') return true;
  // The reference page's own spelling.
  if (normalized === 'charset=utf-8 application/json') return true;
  const [type, ...params] = normalized.split(';').map((p) => p.trim());
  return type === 'application/json' && params.every((p) => p === 'charset=utf-8');
}

// ---------------------------------------------------------------------------------------------
// Serving

/** The answer to a request whose token and Content-Type passed, for the account. */
function serve(
  state: SandboxState,
  account: string,
  route: Route,
  query: Record<string, string>,
  rules: FlavorRules,
): Answer {
  if (route.kind === 'namespaces') return listNamespaces(state, account);
  if (route.kind === 'repositories') return listRepositories(state, account, query, rules);
  const namespace = state.namespace(route.namespace, account);
  if (!namespace) return rules.namespaceNotFound ?? NAMESPACE_NOT_FOUND;
  if (route.kind === 'namespace') return { status: 200, body: namespace.json };
  const repository =
    route.repository === undefined ? undefined : namespace.repositories.get(route.repository);
  switch (route.kind) {
    case 'repository':
      return repositoryDetails(repository, rules);
    case 'tags':
      return repository ? listTags(repository, query, rules) : REPOSITORY_NOT_FOUND;
    case 'tag':
      return deleteTag({ state, namespace, repository, name: route.tag });
    case 'push':
      return pushTag({ state, namespace, repository, name: route.tag });
  }
}

function answer(
  state: SandboxState,
  req: IncomingMessage,
  path: string,
  query: Record<string, string>,
  rules: FlavorRules,
): Answer {
  const route = matchRoute(req.method ?? '', path);
  if (!route) return rules.routeNotFound ?? ROUTE_NOT_FOUND;

  const token = req.headers['x-auth-token'];
  if (token === undefined || token === '') return NO_TOKEN;
  const account = typeof token === 'string' ? TOKENS.get(token) : undefined;
  if (account === undefined) return rules.badToken;

  if (!acceptableContentType(req.headers['content-type'])) return { ...BAD_CONTENT_TYPE, account };
  return { ...serve(state, account, route, query, rules), account };
}

/** What one sandbox serves from: its own state, its flavor's rules, its log, its delay. */
interface Sandbox {
  state: SandboxState;
  rules: FlavorRules;
  requests: RecordedRequest[];
  wait: ReturnType<typeof waitOf>;
}

function splitUrl(rawUrl: string): { path: string; query: Record<string, string> } {
  const q = rawUrl.indexOf('?');
  return {
    path: q < 0 ? rawUrl : rawUrl.slice(0, q),
    query: q < 0 ? {} : parseQuery(rawUrl.slice(q + 1)),
  };
}

/** Writes the answer and logs the request once it is sent. */
function reply(
  res: ServerResponse,
  result: Answer,
  entry: RecordedRequest,
  requests: RecordedRequest[],
): void {
  // A 204 has neither body nor body headers.
  const headers: Record<string, string | number> =
    result.status === 204
      ? {}
      : {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(result.body),
        };
  if (result.contentRange !== undefined) headers['Content-Range'] = result.contentRange;
  entry.endedAt = performance.now();
  res.writeHead(result.status, headers);
  res.end(result.body);
  appendToLog(requests, entry);
}

function handleRequest(sandbox: Sandbox, req: IncomingMessage, res: ServerResponse): void {
  const { state, rules, requests, wait } = sandbox;
  const startedAt = performance.now();
  req.resume();
  const { path, query } = splitUrl(req.url ?? '/');
  let result: Answer;
  try {
    result = answer(state, req, path, query, rules);
  } catch {
    result = huawei(500, 'SVCSTG.SWR.5001056', 'Failed to obtain the tag list');
  }
  const entry: RecordedRequest = {
    method: req.method ?? '',
    path,
    query,
    status: result.status,
    startedAt,
    endedAt: startedAt,
  };
  if (result.account !== undefined) entry.account = result.account;
  const send = (): void => {
    reply(res, result, entry, requests);
  };
  if (wait) void wait(entry).then(send, send);
  else send();
}

/** Listens on `host:port` and resolves with the port bound. */
function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function sandboxHandle(
  server: Server,
  sandbox: Sandbox,
  host: string,
  port: number,
): SandboxHandle {
  const { state, requests } = sandbox;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    requests,
    resetRequests: () => {
      requests.length = 0;
    },
    pushTag: (namespace, repository, tag) => {
      const owner = defaultDataset().namespaces.get(namespace)?.account ?? '';
      const ns = state.namespace(namespace, owner);
      const repo = ns?.repositories.get(repository);
      if (!ns || !repo || !isDockerTag(tag)) {
        throw new Error(`cannot push ${namespace}/${repository}:${tag} in the sandbox`);
      }
      state.pushTag(ns, repo, tag);
    },
    close: () =>
      new Promise<void>((done, fail) => {
        server.close((err) => {
          if (err) fail(err);
          else done();
        });
        server.closeAllConnections();
      }),
  };
}

/** Starts the sandbox on `host:port` (default 127.0.0.1, a random port). */
export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const host = options.host ?? '127.0.0.1';
  const sandbox: Sandbox = {
    // Each sandbox sees its own deletions, never another's.
    state: new SandboxState(defaultDataset()),
    rules: flavorRules(options.flavor),
    requests: [],
    wait: waitOf(options.delay ?? 0),
  };
  const server = createServer((req, res) => {
    handleRequest(sandbox, req, res);
  });
  // Only clients close idle connections: a server that does races the client's next request. A
  // client whose event loop is held up past the server's idle timeout (a long synchronous test in
  // the same process) sends before its own idle timer has run, the server's overdue timer closes
  // the connection unread, and the client gets ECONNRESET. With no timeout, no `Keep-Alive:
  // timeout` is advertised and each client keeps its own (fetch 4 s, the SWR client 10 s).
  server.keepAliveTimeout = 0;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const port = await listen(server, host, options.port ?? 0);
  return sandboxHandle(server, sandbox, host, port);
}
