import type { RepositoryRef, SwrClient } from '../swr/client';
import { SwrError, refusalOf } from '../swr/errors';
import { diffTags, horizonOf, type Horizon, type TagChange } from './tag-diff';
import { readNewest, type ReadBounds } from './tag-read';
import type { Ticker } from './ticker';

/**
 * One repository watched with one token: a poll of its newest tags every interval, compared with
 * the poll before, and the changes handed to every subscriber. It starts with its first
 * subscriber and stops when its last one leaves.
 */

/** Told how the watchers fare: the metrics. */
export interface TagEventObserver {
  watchers(delta: number): void;
  subscribers(delta: number): void;
  /** One poll: whether it found changes or failed, and the SWR requests it sent. */
  poll(outcome: 'changed' | 'unchanged' | 'failed', upstreamRequests: number): void;
}

export interface Subscriber {
  changes(changes: readonly TagChange[], observedAt: string): void;
  /** The watcher gave up: SWR refused the token or the repository, or the poll broke. */
  end(error: unknown): void;
}

export interface WatcherSettings {
  client: SwrClient;
  intervalMs: number;
  ticker: Ticker;
  bounds: ReadBounds;
  observer: TagEventObserver;
}

export class TagWatcher {
  private horizon: Horizon | null = null;
  private readonly subscribers = new Set<Subscriber>();
  private cancel: (() => void) | null = null;
  private polling = false;
  private stopped = false;

  constructor(
    private readonly token: string,
    private readonly repository: RepositoryRef,
    private readonly settings: WatcherSettings,
    private readonly onStop: () => void,
  ) {}

  /** Whether the watcher polls with this token: a watcher is never shared between tokens. */
  serves(token: string): boolean {
    return token === this.token;
  }

  /** Adds a subscriber (the first starts the polls); the function returned removes it. */
  join(subscriber: Subscriber): () => void {
    this.subscribers.add(subscriber);
    if (this.subscribers.size === 1 && !this.stopped) void this.start();
    return () => {
      if (this.subscribers.delete(subscriber) && this.subscribers.size === 0) this.stop();
    };
  }

  /** The first poll sets what later ones compare with; the ticks begin once it is done. */
  private async start(): Promise<void> {
    await this.poll();
    if (this.stopped) return;
    this.cancel = this.settings.ticker.every(this.settings.intervalMs, () => this.poll());
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.cancel?.();
    this.onStop();
  }

  private async poll(): Promise<void> {
    // A poll slower than the interval is not overlapped by the next.
    if (this.polling || this.stopped) return;
    this.polling = true;
    let requests = 0;
    try {
      const { client, bounds, intervalMs } = this.settings;
      const call = {
        deadline: Date.now() + intervalMs,
        onAttempt: () => {
          requests++;
        },
      };
      const read = await readNewest(
        (offset, limit) =>
          client.listTags(
            this.token,
            this.repository,
            { offset, limit, orderColumn: 'updated_at', orderType: 'desc' },
            call,
          ),
        this.horizon,
        bounds,
      );
      const changes = this.horizon ? diffTags(this.horizon, read.tags, read.complete) : [];
      this.horizon = horizonOf(read.tags, read.complete, bounds.pageSize, read.total);
      this.settings.observer.poll(changes.length > 0 ? 'changed' : 'unchanged', requests);
      if (changes.length === 0) return;
      const observedAt = new Date().toISOString();
      for (const subscriber of this.subscribers) subscriber.changes(changes, observedAt);
    } catch (error) {
      this.settings.observer.poll('failed', requests);
      this.failed(error);
    } finally {
      this.polling = false;
    }
  }

  /**
   * A failure that the next poll would meet again (SWR refused the token or the repository, or
   * the poll broke on something other than SWR) ends every subscription; a passing one waits a
   * tick.
   */
  private failed(error: unknown): void {
    if (error instanceof SwrError && refusalOf(error) === null) return;
    const subscribers = [...this.subscribers];
    this.subscribers.clear();
    this.stop();
    for (const subscriber of subscribers) subscriber.end(error);
  }
}
