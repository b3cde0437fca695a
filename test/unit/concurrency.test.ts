import fc from 'fast-check';
import { limitConcurrency } from '../../src/loaders/concurrency';

describe('the per-request limiter', () => {
  test('never runs more than its maximum at once, and runs every task', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 30 }),
        async (max, count) => {
          const limit = limitConcurrency(max);
          let running = 0;
          let peak = 0;
          const results = await Promise.all(
            Array.from({ length: count }, (_, i) =>
              limit(async () => {
                running++;
                peak = Math.max(peak, running);
                await new Promise((resolve) => setImmediate(resolve));
                running--;
                return i;
              }),
            ),
          );
          expect(results).toEqual(Array.from({ length: count }, (_, i) => i));
          expect(peak).toBeLessThanOrEqual(max);
        },
      ),
      { numRuns: 50 },
    );
  });

  test('a task that throws before returning its promise gives its place back', async () => {
    const limit = limitConcurrency(1);
    const broken = (): Promise<never> => {
      throw new Error('thrown at once');
    };
    await expect(limit(broken)).rejects.toThrow('thrown at once');
    // With the place given back, the next task runs instead of waiting for ever.
    await expect(limit(() => Promise.resolve('ran'))).resolves.toBe('ran');
  });
});
