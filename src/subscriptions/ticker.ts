/**
 * What sets the pace of the watchers' polls. The process uses a timer; a test hands in its own
 * and ticks it, so that it knows when a poll happened without waiting for one.
 */
export interface Ticker {
  /** Calls `tick` every `intervalMs` until the returned function is called. */
  every(intervalMs: number, tick: () => Promise<void>): () => void;
}

export const intervalTicker: Ticker = {
  every(intervalMs, tick) {
    const timer = setInterval(() => {
      void tick();
    }, intervalMs);
    // A watcher alone never keeps the process alive; its subscribers' connections do.
    timer.unref();
    return () => {
      clearInterval(timer);
    };
  },
};
