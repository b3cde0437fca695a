import type { AnswerDelay } from '../../src/sandbox/server';

/**
 * A sandbox delay that answers in rounds of known sizes: it holds every request that arrives
 * until as many are held as the current round should have, then answers them all at once. A
 * query whose reads go out together passes whatever the machine's load; one whose reads wait
 * for each other leaves a round short, and after `patienceMs` the gate answers what it holds
 * and records the short round, so the test fails on the sizes instead of hanging.
 */
export interface RoundGate {
  delay: AnswerDelay;
  /** The sizes of the rounds to answer in, for the next query (then any request at once). */
  expectRounds(sizes: readonly number[]): void;
  /** The sizes of the rounds answered since `expectRounds`. */
  answered(): number[];
}

export function roundGate(patienceMs = 5_000): RoundGate {
  let expected: readonly number[] = [];
  let answered: number[] = [];
  let held: (() => void)[] = [];
  let patience: NodeJS.Timeout | undefined;

  const release = (): void => {
    clearTimeout(patience);
    patience = undefined;
    answered.push(held.length);
    const waiting = held;
    held = [];
    for (const answer of waiting) answer();
  };

  return {
    delay: () =>
      new Promise<void>((resolve) => {
        const size = expected[answered.length];
        if (size === undefined) {
          answered.push(1);
          resolve();
          return;
        }
        held.push(resolve);
        patience ??= setTimeout(release, patienceMs);
        if (held.length >= size) release();
      }),
    expectRounds(sizes) {
      expected = sizes;
      answered = [];
    },
    answered: () => [...answered],
  };
}
