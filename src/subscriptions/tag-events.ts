import { createHash } from 'node:crypto';
import type { RepositoryRef, SwrClient } from '../swr/client';
import { EventStream } from './event-stream';
import { SubscriptionLimitError } from './limit-error';
import type { TagChange } from './tag-diff';
import { TagWatcher, type TagEventObserver } from './tag-watcher';
import { intervalTicker, type Ticker } from './ticker';

/**
 * `Subscription.tagEvents`: the watchers of the process, one per token and repository however
 * many subscribers share it, and the bounds on both. The token is kept by its watcher alone, to
 * poll with; the maps are keyed by its SHA-256, so that no key, log or dump shows it.
 */

/**
 * One event for one subscriber, or the error that ends its subscription: SWR's refusal as the
 * client threw it, or an unexpected one; the resolver maps it.
 */
export type TagEventPayload =
  | { change: TagChange; repository: RepositoryRef; observedAt: string }
  | { error: unknown; repository: RepositoryRef };

/** One event, as `TagEvent`'s resolvers read it. */
export type TagEventModel = Extract<TagEventPayload, { change: TagChange }>;

/** What the resolvers see of the watchers. */
export interface TagEventSource {
  /** The events of a repository seen with a token; throws SubscriptionLimitError past a bound. */
  subscribe(token: string, repository: RepositoryRef): AsyncIterableIterator<TagEventPayload>;
}

export interface TagEventsOptions {
  client: SwrClient;
  /** How often a watcher polls SWR (TAG_EVENTS_INTERVAL_MS). */
  intervalMs: number;
  /** The most subscriptions one token holds at once. */
  maxSubscriptionsPerToken: number;
  /** The most watchers in the process, across tokens. */
  maxWatchers: number;
  /** Tag records per page read (SWR's default page; its most is 1000). */
  pageSize?: number;
  /** The most pages one poll reads when many tags were pushed since the last. */
  maxPages?: number;
  ticker?: Ticker;
  observer?: TagEventObserver;
}

const IGNORED: TagEventObserver = { watchers() {}, subscribers() {}, poll() {} };

const tokenKey = (token: string): string => createHash('sha256').update(token).digest('hex');

export class TagEvents implements TagEventSource {
  private readonly watchers = new Map<string, TagWatcher>();
  /** Subscriptions held, by token key. */
  private readonly held = new Map<string, number>();
  private readonly streams = new Set<EventStream<TagEventPayload>>();

  constructor(private readonly options: TagEventsOptions) {}

  /** The watchers running now. */
  get watcherCount(): number {
    return this.watchers.size;
  }

  subscribe(token: string, repository: RepositoryRef): AsyncIterableIterator<TagEventPayload> {
    const owner = tokenKey(token);
    const held = this.held.get(owner) ?? 0;
    const { maxSubscriptionsPerToken: most } = this.options;
    if (held >= most) {
      throw new SubscriptionLimitError(
        'subscriptionsPerToken',
        `This token holds ${most} subscriptions already, the most one token may hold; end one first.`,
        { maxSubscriptionsPerToken: most },
      );
    }
    const watcher = this.watcherFor(owner, token, repository);
    this.held.set(owner, held + 1);
    const observer = this.options.observer ?? IGNORED;
    observer.subscribers(1);
    const stream = new EventStream<TagEventPayload>(() => {
      this.streams.delete(stream);
      leave();
      const left = (this.held.get(owner) ?? 1) - 1;
      if (left === 0) this.held.delete(owner);
      else this.held.set(owner, left);
      observer.subscribers(-1);
    });
    const leave = watcher.join({
      changes(changes, observedAt) {
        for (const change of changes) stream.push({ change, repository, observedAt });
      },
      end(error) {
        stream.push({ error, repository });
        stream.end();
      },
    });
    this.streams.add(stream);
    return stream;
  }

  /** Ends every subscription (the process is stopping); their watchers stop with them. */
  close(): void {
    for (const stream of [...this.streams]) stream.end();
  }

  private watcherFor(owner: string, token: string, repository: RepositoryRef): TagWatcher {
    const key = `${owner}\n${repository.namespace}\n${repository.name}`;
    const running = this.watchers.get(key);
    // Equal keys with another token would take a SHA-256 collision; even then, no sharing.
    if (running?.serves(token)) return running;
    if (running !== undefined || this.watchers.size >= this.options.maxWatchers) {
      throw new SubscriptionLimitError(
        'watchers',
        'The gateway watches as many repositories as it may; try again later.',
        { maxWatchers: this.options.maxWatchers },
      );
    }
    const { client, intervalMs } = this.options;
    const observer = this.options.observer ?? IGNORED;
    const watcher = new TagWatcher(
      token,
      repository,
      {
        client,
        intervalMs,
        ticker: this.options.ticker ?? intervalTicker,
        bounds: { pageSize: this.options.pageSize ?? 100, maxPages: this.options.maxPages ?? 10 },
        observer,
      },
      () => {
        this.watchers.delete(key);
        observer.watchers(-1);
      },
    );
    this.watchers.set(key, watcher);
    observer.watchers(1);
    return watcher;
  }
}
