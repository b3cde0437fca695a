import { DEMO_TOKEN } from '../../src/sandbox/server';
import { TAG_EVENTS, sseClient, startLiveApp, until, type LiveApp, type Result } from './support';

/**
 * The bounds of `Subscription.tagEvents`: subscriptions per token and watchers per process,
 * each refused with its own code, neither reaching SWR, and each freed when a subscriber leaves.
 */

let live: LiveApp;

beforeAll(async () => {
  live = await startLiveApp({
    TAG_EVENTS_MAX_SUBSCRIPTIONS_PER_TOKEN: '2',
    TAG_EVENTS_MAX_WATCHERS: '1',
  });
});

afterAll(async () => {
  await live.close();
});

function subscribe(repository: string, token = DEMO_TOKEN) {
  const client = sseClient(live.app.url, token);
  const events = client.iterate<NonNullable<Result['data']>>({
    query: TAG_EVENTS,
    variables: { namespace: 'library', repository },
  });
  return {
    next: async (): Promise<Result> => (await events.next()).value as Result,
    async leave() {
      await events.return?.();
      client.dispose();
    },
  };
}

test('a token past its subscriptions is refused with TOO_MANY_SUBSCRIPTIONS, and admitted once one leaves', async () => {
  const held = [subscribe('busybox'), subscribe('busybox')];
  await live.ticker.until(1);
  const requests = live.sandbox.requests.length;
  const third = subscribe('busybox');
  const refused = await third.next();
  expect(refused.errors?.[0]?.extensions).toMatchObject({
    code: 'TOO_MANY_SUBSCRIPTIONS',
    limits: { maxSubscriptionsPerToken: 2 },
  });
  expect(live.sandbox.requests.length).toBe(requests);
  await third.leave();

  await held[0]?.leave();
  await until(async () => (await live.metric('gateway_tag_event_subscribers')) === 1);
  const admitted = subscribe('busybox');
  await until(async () => (await live.metric('gateway_tag_event_subscribers')) === 2);
  await live.push('busybox', 'after-a-leave');
  // The one left and the one admitted both hear the push of the next poll.
  await live.ticker.tick();
  expect((await held[1]?.next())?.data?.tagEvents.name).toBe('after-a-leave');
  expect((await admitted.next()).data?.tagEvents.name).toBe('after-a-leave');
  await Promise.all([held[1]?.leave(), admitted.leave()]);
  await live.ticker.until(0);
});

test('past the watchers of the process, a new repository is refused with SUBSCRIPTIONS_EXHAUSTED; a watched one is not', async () => {
  const watching = subscribe('busybox');
  await live.ticker.until(1);
  const other = subscribe('nginx');
  expect((await other.next()).errors?.[0]?.extensions?.code).toBe('SUBSCRIPTIONS_EXHAUSTED');
  await other.leave();
  await watching.leave();
  await live.ticker.until(0);
  // The watcher gone, another repository may be watched.
  const next = subscribe('nginx');
  await live.ticker.until(1);
  await next.leave();
  await live.ticker.until(0);
});
