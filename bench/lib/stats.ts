/** Small helpers every bench module shares: the median, and integer settings from the environment. */
import { ConfigError, integer } from '../../src/config';

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** An integer setting of at least `min`, or `fallback` when it is unset (the gateway's parser). */
export function envInt(name: string, fallback: number, min: number): number {
  const problems: string[] = [];
  const value = integer(process.env, name, fallback, min, Number.MAX_SAFE_INTEGER, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return value;
}
