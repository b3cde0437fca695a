import { DEMO_TOKEN, startSandbox, type SandboxHandle } from '../../src/sandbox/server';
import { TagEvents } from '../../src/subscriptions/tag-events';
import type { TagEventObserver } from '../../src/subscriptions/tag-watcher';
import { SwrClient } from '../../src/swr/client';
import { ManualTicker } from './support';

/**
 * The watchers against the sandbox over HTTP, with SWR's answers held back by the test: a
 * subscriber that leaves while the first poll is under way leaves no watcher ticking, and a poll
 * slower than the interval is not overlapped by the next.
 */

let sandbox: SandboxHandle;
let client: SwrClient;
/** Tag-list answers wait here until the test lets them go. */
const held: (() => void)[] = [];
let holding = false;

beforeAll(async () => {
  sandbox = await startSandbox({
    delay: (request) =>
      holding && request.path.endsWith('/tags')
        ? new Promise<void>((resolve) => held.push(resolve))
        : Promise.resolve(),
  });
  client = new SwrClient({ endpoint: sandbox.url, timeoutMs: 5_000, maxConnections: 4 });
});

afterAll(async () => {
  await client.close();
  await sandbox.close();
});

/** Counts polls, and resolves `polled` at each. */
function countingObserver() {
  const counts = { polls: 0, watchers: 0 };
  let next: (() => void) | null = null;
  const observer: TagEventObserver = {
    watchers: (delta) => {
      counts.watchers += delta;
    },
    subscribers: () => undefined,
    poll: () => {
      counts.polls++;
      next?.();
    },
  };
  const polled = () =>
    new Promise<void>((resolve) => {
      next = resolve;
    });
  return { counts, observer, polled };
}

const busybox = { namespace: 'library', name: 'busybox' };

async function waitForHeld(count: number): Promise<void> {
  while (held.length < count) await new Promise((resolve) => setImmediate(resolve));
}

function release(): void {
  held.splice(0).forEach((resolve) => {
    resolve();
  });
}

test('a subscriber that leaves during the first poll leaves no watcher ticking', async () => {
  const ticker = new ManualTicker();
  const { counts, observer, polled } = countingObserver();
  const events = new TagEvents({
    client,
    intervalMs: 2_000,
    maxSubscriptionsPerToken: 10,
    maxWatchers: 10,
    ticker,
    observer,
  });
  holding = true;
  const stream = events.subscribe(DEMO_TOKEN, busybox);
  await waitForHeld(1);
  await stream.return?.();
  expect(events.watcherCount).toBe(0);
  const done = polled();
  holding = false;
  release();
  await done;
  expect(counts.polls).toBe(1);
  expect(ticker.watching).toBe(0);
  expect(counts.watchers).toBe(0);
});

test('a poll slower than the interval is not overlapped by the next tick', async () => {
  const ticker = new ManualTicker();
  const { observer, polled } = countingObserver();
  const events = new TagEvents({
    client,
    intervalMs: 2_000,
    maxSubscriptionsPerToken: 10,
    maxWatchers: 10,
    ticker,
    observer,
  });
  const stream = events.subscribe(DEMO_TOKEN, busybox);
  await ticker.until(1);
  sandbox.resetRequests();
  holding = true;
  const slow = ticker.tick();
  await waitForHeld(1);
  // The next two ticks come while the first poll waits for SWR: they poll nothing.
  await ticker.tick();
  await ticker.tick();
  const done = polled();
  holding = false;
  release();
  await Promise.all([slow, done]);
  expect(sandbox.requests.filter((request) => request.path.endsWith('/tags'))).toHaveLength(1);
  await stream.return?.();
  expect(ticker.watching).toBe(0);
});
