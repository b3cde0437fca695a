import { createClient, type Client } from 'graphql-sse';
import { loadConfig } from '../../src/config';
import { startApp, type App } from '../../src/app';
import { DEMO_TOKEN, type SandboxHandle } from '../../src/sandbox/server';
import type { Ticker } from '../../src/subscriptions/ticker';

/**
 * The gateway as the process runs it (HTTP layer, yoga, the embedded sandbox over HTTP), with
 * the tag watchers' polls paced by the test: a tick polls every running watcher once, and
 * resolves when every poll is done. No test waits for a timer.
 */
export class ManualTicker implements Ticker {
  private readonly ticks = new Set<() => Promise<void>>();
  private readonly waiting: { count: number; resolve: () => void }[] = [];

  every(_intervalMs: number, tick: () => Promise<void>): () => void {
    this.ticks.add(tick);
    this.settle();
    return () => {
      this.ticks.delete(tick);
      this.settle();
    };
  }

  /** Watchers ticking now: each registers once its first poll is done. */
  get watching(): number {
    return this.ticks.size;
  }

  /** Resolves once exactly `count` watchers tick. */
  until(count: number): Promise<void> {
    if (this.ticks.size === count) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ count, resolve }));
  }

  async tick(): Promise<void> {
    await Promise.all([...this.ticks].map((tick) => tick()));
  }

  private settle(): void {
    for (const waiter of [...this.waiting]) {
      if (waiter.count !== this.ticks.size) continue;
      this.waiting.splice(this.waiting.indexOf(waiter), 1);
      waiter.resolve();
    }
  }
}

export interface LiveApp {
  app: App;
  sandbox: SandboxHandle;
  ticker: ManualTicker;
  /** Pushes a tag through the sandbox's own route, as `docker push` would. */
  push(repository: string, tag: string, namespace?: string): Promise<void>;
  /** Deletes a tag through SWR's API on the sandbox. */
  remove(repository: string, tag: string, namespace?: string): Promise<void>;
  /** Tag-list requests the sandbox has served: the watchers' polls. */
  polls(): number;
  /** A metric's value from `/metrics` on METRICS_PORT (the sum over its labels). */
  metric(name: string): Promise<number>;
  close(): Promise<void>;
}

export async function startLiveApp(env: Record<string, string> = {}): Promise<LiveApp> {
  const ticker = new ManualTicker();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    METRICS_PORT: '0',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await startApp(config, false, null, { tagEventTicker: ticker });
  const sandbox = app.sandbox as SandboxHandle;
  const headers = { 'x-auth-token': DEMO_TOKEN, 'content-type': 'application/json' };
  const change = async (method: string, path: string, status: number): Promise<void> => {
    const response = await fetch(`${sandbox.url}${path}`, { method, headers });
    expect(response.status).toBe(status);
    await response.arrayBuffer();
  };
  return {
    app,
    sandbox,
    ticker,
    push: (repository, tag, namespace = 'library') =>
      change('PUT', `/sandbox/namespaces/${namespace}/repos/${repository}/tags/${tag}`, 201),
    remove: (repository, tag, namespace = 'library') =>
      change('DELETE', `/v2/manage/namespaces/${namespace}/repos/${repository}/tags/${tag}`, 204),
    polls: () =>
      sandbox.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/tags')).length,
    async metric(name) {
      if (app.metricsUrl === null) throw new Error('the app serves no /metrics');
      const text = await (await fetch(app.metricsUrl)).text();
      return text
        .split('\n')
        .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    },
    close: () => app.close(),
  };
}

export const TAG_EVENTS = /* GraphQL */ `
  subscription TagEvents($namespace: String!, $repository: String!) {
    tagEvents(namespace: $namespace, repository: $repository) {
      kind
      name
      tagId
      updatedAt
      previousDigest
      tag {
        id
        name
        digest
      }
    }
  }
`;

export interface TagEventData {
  kind: 'PUSHED' | 'UPDATED' | 'DELETED';
  name: string;
  tagId: string;
  updatedAt: string;
  previousDigest: string | null;
  tag: { id: string; name: string; digest: string } | null;
}

export interface Result {
  data?: { tagEvents: TagEventData } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A GraphQL-over-SSE client (graphql-sse, distinct connections) with a token. */
export function sseClient(url: string, token: string | null = DEMO_TOKEN): Client {
  return createClient({
    url,
    headers: token === null ? {} : { 'x-auth-token': token },
    retryAttempts: 0,
  });
}

/** Waits until `condition` holds, checking after each turn of the event loop's timers. */
export async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
