/**
 * The sandbox's delay, which stands in for a remote region's round trip: a number of
 * milliseconds no answer comes before, or a function whose promise each answer waits for; and
 * `SANDBOX_DELAY_MS`, the standalone sandbox's setting for it.
 */
import { parseDelay } from '../src/sandbox/request-log';
import { startSandbox, type RecordedRequest } from '../src/sandbox/server';
import { callSandbox } from './support/sandbox-client';

const PAGE =
  '/v2/manage/namespaces/library/repos/nginx/tags?offset=0&limit=5&order_column=tag&order_type=asc';

test('with a delay in milliseconds, no answer is written before that long after its request arrived', async () => {
  const sandbox = await startSandbox({ delay: 30 });
  try {
    const sent = performance.now();
    const response = await callSandbox(sandbox.url + PAGE);
    const waited = performance.now() - sent;
    expect(response.status).toBe(200);
    expect((response.json as unknown[]).length).toBe(5);
    const [entry] = sandbox.requests;
    expect(entry).toBeDefined();
    const { startedAt, endedAt } = entry as RecordedRequest;
    expect(endedAt - startedAt).toBeGreaterThanOrEqual(30);
    expect(waited).toBeGreaterThanOrEqual(30);
  } finally {
    await sandbox.close();
  }
});

test('with a delay function, every answer waits for its promise, and is logged once written', async () => {
  let release = (): void => undefined;
  let arrived = (): void => undefined;
  const held = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const sandbox = await startSandbox({
    delay: (request) => {
      expect(request.path).toBe('/v2/manage/namespaces/library/repos/nginx/tags');
      arrived();
      return new Promise((resolve) => {
        release = resolve;
      });
    },
  });
  try {
    let answered = false;
    const response = callSandbox(sandbox.url + PAGE).then((result) => {
      answered = true;
      return result;
    });
    await held;
    // Held: the request arrived, and nothing has been answered or logged.
    expect(answered).toBe(false);
    expect(sandbox.requests).toEqual([]);
    release();
    expect((await response).status).toBe(200);
    expect(sandbox.requests.map((request) => request.status)).toEqual([200]);
  } finally {
    await sandbox.close();
  }
});

test('SANDBOX_DELAY_MS: whole milliseconds up to a minute, none when unset', () => {
  expect(parseDelay(undefined)).toBe(0);
  expect(parseDelay('')).toBe(0);
  expect(parseDelay('0')).toBe(0);
  expect(parseDelay('40')).toBe(40);
  expect(parseDelay('60000')).toBe(60_000);
  for (const bad of ['-1', '1.5', '40ms', ' 40', '60001', 'NaN']) {
    expect(() => parseDelay(bad)).toThrow(`SANDBOX_DELAY_MS must be 0..60000, got "${bad}"`);
  }
});
