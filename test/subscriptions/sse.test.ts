import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';
import { DEMO_TOKEN, OTHER_TOKEN } from '../../src/sandbox/server';
import { TAG_EVENTS, sseClient, startLiveApp, until, type LiveApp, type Result } from './support';

/**
 * `Subscription.tagEvents` over GraphQL over SSE (graphql-sse's client) against the gateway as
 * the process runs it: pushes, re-pushes and deletions on the sandbox reach subscribers at the
 * next poll, one poll per interval serves every subscriber of a token, and the watcher stops
 * with its last subscriber.
 */

let live: LiveApp;

beforeAll(async () => {
  live = await startLiveApp();
});

afterAll(async () => {
  await live.close();
});

const busybox = { namespace: 'library', repository: 'busybox' };

function subscribe(variables = busybox, token: string | null = DEMO_TOKEN) {
  const client = sseClient(live.app.url, token);
  const events = client.iterate<NonNullable<Result['data']>>({ query: TAG_EVENTS, variables });
  return {
    next: async (): Promise<Result> => {
      const step = await events.next();
      if (step.done === true) throw new Error('the subscription ended');
      return step.value as Result;
    },
    /** Resolves true when the server ends the subscription. */
    ended: async (): Promise<boolean> => (await events.next()).done === true,
    async leave() {
      await events.return?.();
      client.dispose();
    },
  };
}

test('a push, a re-push and a deletion reach the subscriber at the next poll; an idle poll sends nothing', async () => {
  const subscriber = subscribe();
  await live.ticker.until(1);
  const polls = live.polls();

  await live.ticker.tick();
  await live.push('busybox', 'live-1');
  await live.ticker.tick();
  // The idle poll sent nothing: the push is the first event.
  const pushed = (await subscriber.next()).data?.tagEvents;
  expect(pushed).toMatchObject({ kind: 'PUSHED', name: 'live-1', previousDigest: null });
  expect(pushed?.tag?.name).toBe('live-1');
  expect(pushed?.tag?.id).toBe(pushed?.tagId);

  await live.push('busybox', 'live-1');
  await live.ticker.tick();
  const updated = (await subscriber.next()).data?.tagEvents;
  expect(updated).toMatchObject({ kind: 'UPDATED', name: 'live-1' });
  expect((updated?.updatedAt ?? '') > (pushed?.updatedAt ?? '')).toBe(true);

  await live.remove('busybox', 'live-1');
  await live.ticker.tick();
  const deleted = (await subscriber.next()).data?.tagEvents;
  expect(deleted).toMatchObject({ kind: 'DELETED', name: 'live-1', tag: null });
  expect(deleted?.tagId).toBe(pushed?.tagId);

  // Four polls, one request each: nothing read past the newest page.
  expect(live.polls() - polls).toBe(4);
  await subscriber.leave();
  await live.ticker.until(0);
});

test('100 subscribers with one token cost one poll per interval, and all get the push', async () => {
  const subscribers = Array.from({ length: 100 }, () => subscribe());
  await until(async () => (await live.metric('gateway_tag_event_subscribers')) === 100);
  await live.ticker.until(1);
  expect(await live.metric('gateway_tag_event_watchers')).toBe(1);
  const polls = live.polls();

  await live.push('busybox', 'crowd');
  await live.ticker.tick();
  expect(live.polls() - polls).toBe(1);
  const events = await Promise.all(subscribers.map((s) => s.next()));
  expect(events.map((e) => e.data?.tagEvents.name)).toEqual(Array(100).fill('crowd'));

  await live.ticker.tick();
  expect(live.polls() - polls).toBe(2);
  await Promise.all(subscribers.map((s) => s.leave()));
  await live.ticker.until(0);
  expect(await live.metric('gateway_tag_event_subscribers')).toBe(0);
});

test('two tokens are two watchers, two polls per interval, never sharing what they see', async () => {
  const demo = [subscribe(), subscribe()];
  const other = subscribe({ namespace: 'globex', repository: 'app' }, OTHER_TOKEN);
  await until(async () => (await live.metric('gateway_tag_event_subscribers')) === 3);
  await live.ticker.until(2);
  const polls = live.polls();
  await live.ticker.tick();
  expect(live.polls() - polls).toBe(2);
  await live.push('busybox', 'demo-only');
  await live.ticker.tick();
  for (const subscriber of demo) {
    expect((await subscriber.next()).data?.tagEvents.name).toBe('demo-only');
  }
  await Promise.all([...demo, other].map((s) => s.leave()));
  await live.ticker.until(0);
});

test('the last subscriber leaving stops the watcher: no poll after it', async () => {
  const first = subscribe();
  const second = subscribe();
  await until(async () => (await live.metric('gateway_tag_event_subscribers')) === 2);
  await live.ticker.until(1);
  await first.leave();
  await until(async () => (await live.metric('gateway_tag_event_subscribers')) === 1);
  expect(live.ticker.watching).toBe(1);

  await second.leave();
  await live.ticker.until(0);
  expect(await live.metric('gateway_tag_event_watchers')).toBe(0);
  const polls = live.polls();
  await live.push('busybox', 'nobody-watches');
  await live.ticker.tick();
  expect(live.polls()).toBe(polls);
});

test('a token SWR refuses ends the subscription with UNAUTHENTICATED', async () => {
  const subscriber = subscribe(busybox, 'not-a-valid-token');
  const result = await subscriber.next();
  expect(result.data).toBeNull();
  expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  expect(await subscriber.ended()).toBe(true);
  expect(live.ticker.watching).toBe(0);
  await subscriber.leave();
});

test('a repository the token may not see ends the subscription with NOT_FOUND, and only that one', async () => {
  const allowed = subscribe();
  const refused = subscribe(busybox, OTHER_TOKEN);
  expect((await refused.next()).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  expect(await refused.ended()).toBe(true);
  await live.ticker.until(1);
  await live.push('busybox', 'still-served');
  await live.ticker.tick();
  expect((await allowed.next()).data?.tagEvents.name).toBe('still-served');
  await Promise.all([allowed.leave(), refused.leave()]);
  await live.ticker.until(0);
});

test('no token and bad names are refused before any watcher starts or SWR is asked', async () => {
  const before = live.sandbox.requests.length;
  const anonymous = subscribe(busybox, null);
  expect((await anonymous.next()).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  const badName = subscribe({ namespace: 'library', repository: '../busybox' });
  const refused = await badName.next();
  expect(refused.errors?.[0]?.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    argument: 'repository',
  });
  await Promise.all([anonymous.leave(), badName.leave()]);
  expect(live.sandbox.requests.length).toBe(before);
  expect(live.ticker.watching).toBe(0);
});

test('the metrics count polls and their SWR requests, and never show a token', async () => {
  const subscriber = subscribe();
  await live.ticker.until(1);
  const polls = await live.metric('gateway_tag_event_polls_total');
  const requests = await live.metric('gateway_tag_event_upstream_requests_total');
  await live.ticker.tick();
  expect(await live.metric('gateway_tag_event_polls_total')).toBe(polls + 1);
  expect(await live.metric('gateway_tag_event_upstream_requests_total')).toBe(requests + 1);
  const text = await (await fetch(live.app.url.replace('/graphql', '/metrics'))).text();
  expect(text).not.toContain(DEMO_TOKEN);
  await subscriber.leave();
  await live.ticker.until(0);
});

/** The `@cost` weight the schema declares for `Subscription.tagEvents`. */
function declaredWeight(): number {
  const document = parse(readFileSync('schema/schema.graphql', 'utf8'));
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION || definition.name.value !== 'Subscription')
      continue;
    const field = definition.fields?.find((f) => f.name.value === 'tagEvents');
    const cost = field?.directives?.find((d) => d.name.value === 'cost');
    const weight = cost?.arguments?.find((a) => a.name.value === 'weight')?.value;
    if (weight?.kind === Kind.INT) return Number(weight.value);
  }
  throw new Error('Subscription.tagEvents declares no @cost weight');
}

test('a subscription costs SWR what the schema declares: its first poll, one read of the newest tags', async () => {
  const requests = live.sandbox.requests.length;
  const subscriber = subscribe();
  await live.ticker.until(1);
  expect(live.sandbox.requests.length - requests).toBe(declaredWeight());
  await subscriber.leave();
  await live.ticker.until(0);
});
