import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The shared secret between routers and `/subgraph` (SUBGRAPH_SECRET): routers send it in this
 * header, and a request without it is refused before anything runs.
 */
export const SUBGRAPH_SECRET_HEADER = 'x-subgraph-secret';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Whether a request's header holds the secret, compared in constant time: both sides are hashed
 * to the same length first, so that neither the length nor the first differing byte shows in
 * the time the comparison takes.
 */
export function secretCheck(secret: string): (given: string | string[] | undefined) => boolean {
  const expected = digest(secret);
  return (given) => typeof given === 'string' && timingSafeEqual(digest(given), expected);
}
