/**
 * A limiter: `limit(task)` runs the task at once while fewer than `max` run, else queues it
 * until one finishes. It bounds the upstream requests one GraphQL request has in flight.
 */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function limitConcurrency(max: number): Limiter {
  let running = 0;
  const queue: (() => void)[] = [];
  const next = (): void => {
    running--;
    queue.shift()?.();
  };
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = (): Promise<T> => {
      running++;
      let started: Promise<T>;
      try {
        started = task();
      } catch (error) {
        // A task that throws before it returns its promise still gives its place back.
        started = Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      return started.finally(next);
    };
    if (running < max) return run();
    return new Promise<T>((resolve, reject) => {
      queue.push(() => {
        run().then(resolve, reject);
      });
    });
  };
}
