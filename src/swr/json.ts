import { isInteger, isSafeNumber, parse as parseLossless } from 'lossless-json';

/**
 * A JSON number of 16 or more digits in value position. Every integer beyond 2^53 has at least
 * 16 digits; such a literal can also occur inside a string, which only costs the slower parse.
 */
const LONG_NUMBER = /[:,[]\s*-?\d{16,}/;

function parseNumber(literal: string): number | bigint {
  return isInteger(literal) && !isSafeNumber(literal) ? BigInt(literal) : Number(literal);
}

/**
 * Parses an upstream body without losing precision: integers beyond 2^53 (SWR documents sizes
 * up to 2^63-1) become bigints. Bodies without such numbers, nearly all, take `JSON.parse`.
 */
export function decodeJson(text: string): unknown {
  if (!LONG_NUMBER.test(text)) return JSON.parse(text);
  return parseLossless(text, null, parseNumber);
}
