/**
 * What the sandbox keeps of the requests it serves, and how long it makes each one wait: the
 * request log (in the order answered, with when each request arrived and was answered), and the
 * delay that stands in for a remote region's round trip.
 */

export interface RecordedRequest {
  method: string;
  /** The raw path, without the query. */
  path: string;
  query: Record<string, string>;
  status: number;
  /** The account the token belongs to; never the token itself. */
  account?: string;
  /** When the request arrived and when its answer was written (`performance.now()`, ms). */
  startedAt: number;
  endedAt: number;
}

/** The request log keeps at least this many of the most recent requests. */
export const REQUEST_LOG_CAP = 100_000;
/** Trimmed in batches so that a push stays O(1) amortised. */
const REQUEST_LOG_SLACK = 10_000;

export function appendToLog(log: RecordedRequest[], entry: RecordedRequest): void {
  log.push(entry);
  if (log.length > REQUEST_LOG_CAP + REQUEST_LOG_SLACK) {
    log.splice(0, log.length - REQUEST_LOG_CAP);
  }
}

/**
 * The wait before every answer: milliseconds, or a function whose promise the answer waits for
 * (given the request as logged so far), for a test that decides when each request is answered.
 */
export type AnswerDelay = number | ((request: RecordedRequest) => Promise<void>);

/**
 * The wait of a delay, or null for none. A number is a lower bound: the answer is written no
 * earlier than that many milliseconds after the request arrived (a timer may fire a little
 * early by that clock, and then waits again).
 */
export function waitOf(delay: AnswerDelay): ((request: RecordedRequest) => Promise<void>) | null {
  if (typeof delay === 'function') return delay;
  if (delay <= 0) return null;
  return (request) =>
    new Promise((resolve) => {
      const wake = (): void => {
        const left = request.startedAt + delay - performance.now();
        if (left > 0) setTimeout(wake, Math.ceil(left));
        else resolve();
      };
      wake();
    });
}

/**
 * A log's requests in rounds of round trips: a request that arrived after another one's answer
 * was written may have waited for it, so it is a round later; requests in flight together are in
 * the same round. With a delay on every answer, the rounds are what a client waits for in turn.
 */
export function roundsOf<R extends Pick<RecordedRequest, 'startedAt' | 'endedAt'>>(
  log: readonly R[],
): R[][] {
  const sorted = [...log].sort((a, b) => a.startedAt - b.startedAt);
  const roundOf: number[] = [];
  const rounds: R[][] = [];
  sorted.forEach((request, i) => {
    let round = 0;
    for (let j = 0; j < i; j++) {
      const earlier = sorted[j] as R;
      if (earlier.endedAt <= request.startedAt) round = Math.max(round, (roundOf[j] ?? 0) + 1);
    }
    roundOf.push(round);
    (rounds[round] ??= []).push(request);
  });
  return rounds;
}

/** `SANDBOX_DELAY_MS`: whole milliseconds, 0 (the default) to 60000. */
export function parseDelay(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  const ms = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!(ms <= 60_000)) throw new Error(`SANDBOX_DELAY_MS must be 0..60000, got "${raw}"`);
  return ms;
}
