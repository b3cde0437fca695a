import { SwrError, isThrottling } from './errors';

/**
 * The upstream policy, in one place: what is retried, how long to wait, and when to stop asking
 * an upstream that keeps failing.
 *
 * Retries: only idempotent requests (GETs; a DELETE is sent once, whatever happens), only for
 * failures a retry can cure — a connection reset, 500,
 * 502, 503, 504, 429 and SWR's throttling codes (403 `SVCSTG.SWR.4031032`/`4031042`, 409
 * `SVCSTG.SWR.4090023`) — at most `maxRetries` times, after an exponential backoff with full
 * jitter, or after `Retry-After` when the upstream sends one. Never on a timeout (the caller
 * already waited the full timeout), 400, 401, 403 other than throttling, or 404; never past the
 * GraphQL request's deadline.
 *
 * Circuit: after `failureThreshold` consecutive failures that say the upstream itself is
 * unwell (unreachable, timed out, 5xx), the circuit opens and requests fail at once with
 * `UPSTREAM_UNAVAILABLE` for `openMs`; then one trial request is let through, and its success
 * closes the circuit again. Only a success closes it or resets the count: an answer that is
 * neither success nor fault (a 4xx, throttling, a malformed body) changes neither, so that a
 * caller cannot keep a failing upstream's circuit closed by asking for what does not exist.
 */

export interface UpstreamPolicyOptions {
  maxRetries: number;
  /** The first backoff; each retry doubles it. */
  baseDelayMs: number;
  /** No single wait, `Retry-After` included, is longer. */
  maxDelayMs: number;
  failureThreshold: number;
  openMs: number;
}

export const DEFAULT_POLICY: UpstreamPolicyOptions = {
  maxRetries: 2,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  failureThreshold: 5,
  openMs: 10_000,
};

const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504]);

/** Whether a failed GET may be sent again. */
export function isRetryable(error: SwrError): boolean {
  if (error.failure === 'network') return true;
  if (error.failure !== 'status' || error.status === undefined) return false;
  return RETRIED_STATUSES.has(error.status) || isThrottling(error);
}

/** Whether a failure counts against the upstream's health (throttling and 4xx do not). */
function isUpstreamFault(error: SwrError): boolean {
  return (
    error.failure === 'network' ||
    error.failure === 'timeout' ||
    (error.failure === 'status' && (error.status ?? 0) >= 500)
  );
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; null when absent or invalid. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined || value.trim() === '') return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Exponential backoff with full jitter: a random wait in [0, base × 2^attempt]. */
export function backoffDelay(
  attempt: number,
  options: UpstreamPolicyOptions,
  random: number,
): number {
  return Math.min(options.maxDelayMs, random * options.baseDelayMs * 2 ** attempt);
}

/** How one request is run. */
export interface RunOptions {
  /** Whether the request may be sent again (GETs); a non-idempotent one is never retried. */
  idempotent: boolean;
  /** Told of every retry and its wait. */
  onRetry?: (error: SwrError, delayMs: number) => void;
}

export class CircuitOpenError extends SwrError {
  constructor() {
    super('network', 'SWR keeps failing; the circuit is open and requests fail fast');
    this.name = 'CircuitOpenError';
  }
}

type CircuitState = 'closed' | 'open' | 'half-open';

export class UpstreamPolicy {
  private consecutiveFailures = 0;
  private state: CircuitState = 'closed';
  private openedAt = 0;
  private trialInFlight = false;

  constructor(
    readonly options: UpstreamPolicyOptions = DEFAULT_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  /** The circuit's state, for readiness and metrics. */
  get circuit(): CircuitState {
    if (this.state === 'open' && this.now() - this.openedAt >= this.options.openMs) {
      return 'half-open';
    }
    return this.state;
  }

  /**
   * Runs `attempt` under the policy. `deadline` is the time (ms since the epoch) after which no
   * retry starts.
   */
  async run<T>(
    attempt: () => Promise<T>,
    deadline: number,
    options: RunOptions = { idempotent: true },
  ): Promise<T> {
    for (let retry = 0; ; retry++) {
      const trial = this.admit();
      try {
        const result = await attempt();
        this.recordSuccess();
        return result;
      } catch (error) {
        if (!(error instanceof SwrError)) {
          // Not an answer of SWR's (nor its silence): the trial, if this was one, is over.
          if (trial) this.trialInFlight = false;
          throw error;
        }
        this.recordFailure(error, trial);
        const delay = options.idempotent ? this.retryDelay(error, retry, deadline) : null;
        if (delay === null) throw error;
        options.onRetry?.(error, delay);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** Lets a request through, or throws when the circuit is open; true for a half-open trial. */
  private admit(): boolean {
    const state = this.circuit;
    if (state === 'closed') return false;
    if (state === 'half-open' && !this.trialInFlight) {
      this.trialInFlight = true;
      return true;
    }
    throw new CircuitOpenError();
  }

  private recordSuccess(): void {
    this.consecutiveFailures = 0;
    this.state = 'closed';
    this.trialInFlight = false;
  }

  private recordFailure(error: SwrError, trial: boolean): void {
    if (trial) this.trialInFlight = false;
    if (!isUpstreamFault(error)) return;
    this.consecutiveFailures++;
    if (trial || this.consecutiveFailures >= this.options.failureThreshold) {
      this.state = 'open';
      this.openedAt = this.now();
    }
  }

  /** How long to wait before retrying, or null when the failure is final. */
  private retryDelay(error: SwrError, retry: number, deadline: number): number | null {
    if (retry >= this.options.maxRetries || !isRetryable(error) || this.circuit !== 'closed') {
      return null;
    }
    const delay = error.retryAfterMs ?? backoffDelay(retry, this.options, Math.random());
    if (delay > this.options.maxDelayMs || this.now() + delay >= deadline) return null;
    return delay;
  }
}
