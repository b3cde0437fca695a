import type { Server } from 'node:http';
import type { Logger } from 'pino';

/**
 * The graceful stop of a replica behind a load balancer or a Kubernetes Service. A balancer
 * learns that a replica leaves only from its readiness checks, some seconds after SIGTERM; a
 * replica that closed its listener at once would refuse, and reset, what the balancer still
 * sends it. So the stop has three phases:
 *
 * 1. drain (`SHUTDOWN_DRAIN_MS`): `/ready` answers 503, every answer says `Connection: close`,
 *    and the replica still accepts and serves, until the balancer has stopped sending;
 * 2. close: the listener is closed, idle connections are closed, requests in flight finish;
 * 3. deadline: whatever is still open after the request deadline (and a margin for writing the
 *    answer) is closed, so that the process exits within the pod's grace period.
 *
 * Then the spans still buffered are exported and the process exits 0. A second signal changes
 * nothing: a stop under way is never cut short.
 */

/** Time past the request deadline for the last answers to be written. */
export const ANSWER_MARGIN_MS = 1_000;

/** What the stop needs of the running app. */
export interface Drainable {
  server: Server;
  subgraphServer: Server | null;
  /** `/ready` answers 503 and each answer closes its connection; serving goes on. */
  stopReady(): void;
  /** Closes the listeners, lets requests in flight finish, closes the upstream pool. */
  close(): Promise<void>;
}

export interface DrainSettings {
  /** How long the replica keeps serving after the signal, with `/ready` at 503. */
  drainMs: number;
  /** How long requests in flight may take once the listener is closed (the request deadline). */
  requestDeadlineMs: number;
}

/** The longest a stop takes, flushing traces aside: what the grace period must exceed. */
export function stopBudgetMs(settings: DrainSettings): number {
  return settings.drainMs + settings.requestDeadlineMs + ANSWER_MARGIN_MS;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Drains and stops the app; resolves once every listener is closed and every request finished
 * (or was cut at the deadline).
 */
export async function drain(
  app: Drainable,
  settings: DrainSettings,
  logger: Logger,
): Promise<void> {
  app.stopReady();
  if (settings.drainMs > 0) {
    logger.info({ drainMs: settings.drainMs }, 'draining: /ready answers 503, still serving');
    await sleep(settings.drainMs);
  }
  logger.info('closing: refusing new connections, finishing requests in flight');
  const deadline = setTimeout(() => {
    logger.warn('shutdown deadline passed: closing the remaining connections');
    app.server.closeAllConnections();
    app.subgraphServer?.closeAllConnections();
  }, settings.requestDeadlineMs + ANSWER_MARGIN_MS);
  deadline.unref();
  await app.close();
  clearTimeout(deadline);
}

/**
 * Stops the app on SIGTERM (the drain first) and SIGINT (no drain), then `flush` (the buffered
 * spans), then exit code 0. Later signals are logged and change nothing.
 */
export function stopOnSignals(
  app: Drainable,
  settings: DrainSettings,
  logger: Logger,
  flush: () => Promise<void>,
): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.info({ signal }, 'already stopping');
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // SIGINT is a person at a terminal (Ctrl-C), never a balancer's replica: no drain to wait for.
    const phases = signal === 'SIGINT' ? { ...settings, drainMs: 0 } : settings;
    void drain(app, phases, logger)
      .then(flush)
      .then(() => {
        logger.info('stopped');
        logger.flush();
        process.exitCode = 0;
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
