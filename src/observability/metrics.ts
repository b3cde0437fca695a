import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TagEventObserver } from '../subscriptions/tag-watcher';
import type { UpstreamAttempt } from '../swr/client';

/**
 * Prometheus metrics, served at `/metrics`. Labels stay few and bounded: no operation names,
 * repository names or tokens, which callers choose (trusted documents' ids come from the
 * manifest).
 */
export class Metrics {
  readonly registry = new Registry();

  private readonly upstreamRequests = new Counter({
    name: 'swr_upstream_requests_total',
    help: 'Requests sent to SWR, retries included, by operation, outcome and HTTP status.',
    labelNames: ['operation', 'outcome', 'status'] as const,
    registers: [this.registry],
  });

  private readonly upstreamDuration = new Histogram({
    name: 'swr_upstream_request_duration_seconds',
    help: 'Time from sending a request to SWR to having its whole answer, by operation and outcome.',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly httpRequests = new Histogram({
    name: 'gateway_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route and status.',
    labelNames: ['route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  private readonly documentRequests = new Histogram({
    name: 'gateway_document_request_duration_seconds',
    help: 'Time to answer a request to /graphql, by trusted document: its id in the manifest, `unknown` for an id not in it, `none` for document text.',
    labelNames: ['document'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  private readonly tagWatchers = new Gauge({
    name: 'gateway_tag_event_watchers',
    help: 'Repositories watched for Subscription.tagEvents (one watcher per token and repository).',
    registers: [this.registry],
  });

  private readonly tagSubscribers = new Gauge({
    name: 'gateway_tag_event_subscribers',
    help: 'Subscriptions to Subscription.tagEvents open now, over SSE and WebSocket.',
    registers: [this.registry],
  });

  private readonly tagPolls = new Counter({
    name: 'gateway_tag_event_polls_total',
    help: "Watchers' polls of SWR, by outcome: changed, unchanged or failed.",
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly tagPollRequests = new Counter({
    name: 'gateway_tag_event_upstream_requests_total',
    help: "Requests to SWR sent by the watchers' polls, retries included.",
    registers: [this.registry],
  });

  /** What the tag watchers report to (see src/subscriptions/tag-watcher.ts). */
  readonly tagEvents: TagEventObserver = {
    watchers: (delta) => {
      this.tagWatchers.inc(delta);
    },
    subscribers: (delta) => {
      this.tagSubscribers.inc(delta);
    },
    poll: (outcome, upstreamRequests) => {
      this.tagPolls.inc({ outcome });
      this.tagPollRequests.inc(upstreamRequests);
    },
  };

  constructor(circuitState: () => string) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'swr_upstream_circuit_open',
      help: '1 while the circuit to SWR is open (requests fail fast), else 0.',
      registers: [this.registry],
      collect() {
        this.set(circuitState() === 'open' ? 1 : 0);
      },
    });
  }

  recordUpstream(attempt: UpstreamAttempt): void {
    const { operation, outcome } = attempt;
    this.upstreamRequests.inc({ operation, outcome, status: String(attempt.status ?? 'none') });
    this.upstreamDuration.observe({ operation, outcome }, attempt.durationMs / 1000);
  }

  recordHttp(route: string, status: number, durationMs: number): void {
    this.httpRequests.observe({ route, status: String(status) }, durationMs / 1000);
  }

  /** `document` is bounded: a manifest id, `unknown` or `none`, never an id a caller made up. */
  recordDocument(document: string, durationMs: number): void {
    this.documentRequests.observe({ document }, durationMs / 1000);
  }
}
