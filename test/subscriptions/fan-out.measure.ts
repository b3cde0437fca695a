import { DEMO_TOKEN } from '../../src/sandbox/server';
import { TAG_EVENTS, sseClient, startLiveApp, until, type Result } from './support';

/**
 * A measurement, not a test (no assertion on time or memory): N subscribers over SSE with one
 * token, the gateway's heap per subscriber, the SWR requests of one poll, and the time from the
 * poll's start to the last subscriber's event. Run it with
 * `npx jest --testMatch '**\/fan-out.measure.ts' --maxWorkers=1`; SUBSCRIBERS sets N (1000).
 */

const count = Number(process.env.SUBSCRIBERS ?? 1000);

test(`fan-out to ${count} SSE subscribers of one token`, async () => {
  const live = await startLiveApp({ TAG_EVENTS_MAX_SUBSCRIPTIONS_PER_TOKEN: String(count) });
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const clients = Array.from({ length: count }, () => sseClient(live.app.url, DEMO_TOKEN));
  const streams = clients.map((client) =>
    client.iterate<NonNullable<Result['data']>>({
      query: TAG_EVENTS,
      variables: { namespace: 'library', repository: 'busybox' },
    }),
  );
  const firsts = streams.map((stream) => stream.next());
  await until(async () => (await live.metric('gateway_tag_event_subscribers')) === count);
  await live.ticker.until(1);
  global.gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  const polls = live.polls();
  await live.push('busybox', 'fan-out');
  const started = performance.now();
  await live.ticker.tick();
  await Promise.all(firsts);
  const fanOutMs = performance.now() - started;
  process.stdout.write(
    `${count} subscribers: ${live.polls() - polls} SWR request(s) for the poll; ` +
      `last event ${Math.round(fanOutMs)} ms after the tick; ` +
      `heap +${Math.round((heapAfter - heapBefore) / count)} bytes per subscriber ` +
      `(clients and server in one process)\n`,
  );
  await Promise.all(streams.map((stream) => stream.return?.() ?? Promise.resolve()));
  for (const client of clients) client.dispose();
  await live.ticker.until(0);
  await live.close();
});
