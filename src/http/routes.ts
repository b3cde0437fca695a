import type { IncomingMessage } from 'node:http';
import { ASSET_PREFIX } from '../graphql/graphiql';
import { GRAPHQL_ENDPOINT, SUBGRAPH_ENDPOINT } from '../graphql/yoga';

/**
 * One routing decision per listener, made here before yoga sees the request: each listener
 * serves the exact paths it owns and nothing else. yoga serves any URL whose path ends in its
 * endpoint, so a path this table does not hold must never reach it (`/subgraph/`, `//subgraph`).
 */

export type Route = 'graphql' | 'graphiql' | 'subgraph' | 'health' | 'ready' | 'metrics';

/** What one listening server answers: PORT's, SUBGRAPH_PORT's or METRICS_PORT's. */
export interface Listener {
  /** Its name in the start-up log. */
  name: 'api' | 'subgraph' | 'metrics';
  /** The paths it serves, exactly as a request target spells them (without the query). */
  routes: ReadonlyMap<string, Route>;
  /** Whether every request to it needs the subgraph's secret, not only `/subgraph`'s. */
  guarded: boolean;
}

/** Where a listener's request goes: a route, or a refusal before anything runs. */
export type Decision = { route: Route } | { refusal: 'bad-target' | 'not-found' };

/**
 * The listener of PORT: the API, GraphiQL, the probes, and `/subgraph` without a port of its
 * own. Never `/metrics`, which tells anyone the traffic, the documents and SWR's state.
 */
export function apiListener(servesSubgraph: boolean): Listener {
  const routes = new Map<string, Route>([
    [GRAPHQL_ENDPOINT, 'graphql'],
    // GraphiQL's redirect to the endpoint.
    ['/', 'graphiql'],
    ['/health', 'health'],
    ['/ready', 'ready'],
  ]);
  if (servesSubgraph) routes.set(SUBGRAPH_ENDPOINT, 'subgraph');
  return { name: 'api', routes, guarded: false };
}

/**
 * SUBGRAPH_PORT's listener: `/subgraph`, and the probes, which say nothing a router's secret
 * should guard; the secret is asked before any other path, so that no spelling of one gets by.
 */
export function subgraphListener(guarded: boolean): Listener {
  const routes = new Map<string, Route>([
    [SUBGRAPH_ENDPOINT, 'subgraph'],
    ['/health', 'health'],
    ['/ready', 'ready'],
  ]);
  return { name: 'subgraph', routes, guarded };
}

/** METRICS_PORT's listener: `/metrics` alone. */
export function metricsListener(): Listener {
  return { name: 'metrics', routes: new Map([['/metrics', 'metrics']]), guarded: false };
}

/** GraphiQL's files: `/graphiql/` and one plain file name, read with GET or HEAD. */
const GRAPHIQL_FILE = /^[A-Za-z0-9._-]+$/;

/**
 * The path of a request target that is a plain origin-form target (RFC 9112 §3.2.1) and that
 * makes, with the Host header, the URL yoga will parse with that same path; null otherwise.
 * Anything else (`http://[zz/graphql`, a Host of `a b`, dot segments) is refused with a 400, so
 * that yoga's own parse of the URL can never fail or land elsewhere.
 */
function pathOf(request: IncomingMessage): string | null {
  const target = request.url ?? '';
  if (!target.startsWith('/')) return null;
  const query = target.indexOf('?');
  const path = query < 0 ? target : target.slice(0, query);
  try {
    const url = new URL(`http://${request.headers.host ?? 'localhost'}${target}`);
    return url.pathname === path ? path : null;
  } catch {
    return null;
  }
}

export function decide(listener: Listener, request: IncomingMessage): Decision {
  const path = pathOf(request);
  if (path === null) return { refusal: 'bad-target' };
  const route = listener.routes.get(path);
  if (route !== undefined) {
    if (route === 'graphiql' && !readsOnly(request)) return { refusal: 'not-found' };
    return { route };
  }
  const file = path.startsWith(ASSET_PREFIX) ? path.slice(ASSET_PREFIX.length) : null;
  if (listener.name === 'api' && file !== null && GRAPHIQL_FILE.test(file) && readsOnly(request)) {
    return { route: 'graphiql' };
  }
  return { refusal: 'not-found' };
}

function readsOnly(request: IncomingMessage): boolean {
  return request.method === 'GET' || request.method === 'HEAD';
}
