import { isInteger, isSafeNumber, parse as parseLossless } from 'lossless-json';

/**
 * Parses upstream JSON without losing precision: SWR documents sizes up to 2^63-1, beyond the
 * 2^53 a JavaScript number holds exactly. `JSON.parse` reads every body; only a body in which it
 * met an integer beyond 2^53 (nearly none) is read again, exactly, with integers as bigints.
 */

function parseNumber(literal: string): number | bigint {
  return isInteger(literal) && !isSafeNumber(literal) ? BigInt(literal) : Number(literal);
}

/** Whether a parsed value holds an integer that `JSON.parse` may have rounded. */
function hasUnsafeInteger(value: unknown): boolean {
  if (typeof value === 'number') return Math.abs(value) > Number.MAX_SAFE_INTEGER;
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasUnsafeInteger);
  for (const key in value) {
    if (hasUnsafeInteger((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

export function decodeJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  return hasUnsafeInteger(value) ? parseLossless(text, null, parseNumber) : value;
}
