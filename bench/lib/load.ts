/**
 * One load run with autocannon, with exact latency percentiles: autocannon's own histogram
 * keeps whole milliseconds, too coarse for responses of a few ms, so every response time is
 * also recorded here from the instance's `response` event.
 */
import autocannon from 'autocannon';

export interface Target {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** The exact body every response must have; a response with another body is a mismatch. */
  expectBody: string;
}

export interface LoadResult {
  /** Responses received. */
  requests: number;
  /** Requests sent, including those still in flight when the run stopped. */
  sent: number;
  seconds: number;
  rps: number;
  /** Milliseconds, over every response (2xx or not). */
  p50: number;
  p99: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  /** Responses whose body differs from the expected one (a GraphQL `errors` body included). */
  mismatches: number;
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}

export function runLoad(target: Target, connections: number, seconds: number): Promise<LoadResult> {
  let times = new Float64Array(1 << 16);
  let count = 0;
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        method: target.method,
        headers: target.headers,
        ...(target.body === undefined ? {} : { body: target.body }),
        expectBody: target.expectBody,
        connections,
        duration: seconds,
        pipelining: 1,
        timeout: 10,
      },
      (error, result) => {
        if (error !== null && error !== undefined) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
        const sorted = times.subarray(0, count).sort();
        resolve({
          requests: count,
          sent: result.requests.sent,
          seconds: elapsed,
          rps: count / elapsed,
          p50: quantile(sorted, 0.5),
          p99: quantile(sorted, 0.99),
          errors: result.errors,
          non2xx: result.non2xx,
          mismatches: result.mismatches,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      if (count === times.length) {
        const grown = new Float64Array(times.length * 2);
        grown.set(times);
        times = grown;
      }
      times[count++] = responseTime;
    });
  });
}
