import { createHash } from 'node:crypto';
import { MAX_INT } from './bounds';

/**
 * Opaque cursors. The Relay spec only asks that a cursor be an opaque string that the server
 * understands again; ours carries the edge's offset in the list and the list's scope (a short
 * hash of what the list is of — a repository or an organization — its order and filters), so
 * that a cursor issued for one list is rejected by another instead of silently pointing at the
 * wrong item.
 */

const CURSOR_VERSION = 'c1';

/** No list is longer than GraphQL's `Int` can count, so no offset at or beyond it is valid. */
export const MAX_OFFSET = MAX_INT - 1;

/** Why a cursor was refused; the resolver turns it into a `BAD_USER_INPUT` error. */
export class CursorError extends Error {
  constructor(
    readonly argument: string,
    reason: string,
  ) {
    super(`Invalid cursor in \`${argument}\`: ${reason}.`);
    this.name = 'CursorError';
  }
}

/** Scopes already computed; a few thousand lists cover a busy gateway's working set. */
const scopes = new Map<string, string>();
const MAX_SCOPES = 5_000;

/** A list's scope: the same for every cursor of one list, different between lists. */
export function cursorScope(parts: readonly (string | null | undefined)[]): string {
  const key = JSON.stringify(parts);
  let scope = scopes.get(key);
  if (scope === undefined) {
    scope = createHash('sha256').update(key).digest('base64url').slice(0, 10);
    if (scopes.size >= MAX_SCOPES) scopes.clear();
    scopes.set(key, scope);
  }
  return scope;
}

/**
 * Encodes the cursor of the edge at `offset` in the list with this scope; `key` names the edge
 * itself where the list can re-anchor (see anchor.ts), for example `1.2.3@2024-05-01T10:00:00Z`.
 */
export function encodeCursor(scope: string, offset: number, key?: string): string {
  const text = `${CURSOR_VERSION}:${scope}:${offset}`;
  return Buffer.from(key === undefined ? text : `${text}:${key}`).toString('base64url');
}

/** A decoded cursor: its edge's offset, and the edge's key when the cursor has one. */
export interface DecodedCursor {
  offset: number;
  key: string | null;
}

const DECODED = new RegExp(
  `^${CURSOR_VERSION}:([A-Za-z0-9_-]{10}):(0|[1-9][0-9]{0,9})(?::([\\x21-\\x7e]{1,300}))?$`,
);

/**
 * Decodes a cursor of the list with this scope, or throws a CursorError: for a string that is
 * not one of our cursors, one from another list (another repository, order or filter), or one
 * whose offset no list can reach.
 */
export function decodeCursor(cursor: string, scope: string, argument: string): DecodedCursor {
  if (cursor.length > 500 || !/^[A-Za-z0-9_-]*$/.test(cursor)) {
    throw new CursorError(argument, 'not a cursor of this API');
  }
  const match = DECODED.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  if (!match) throw new CursorError(argument, 'not a cursor of this API');
  if (match[1] !== scope) {
    throw new CursorError(
      argument,
      'it was issued for another list (another repository or organization, orderBy or filter)',
    );
  }
  const offset = Number(match[2]);
  if (offset > MAX_OFFSET) throw new CursorError(argument, 'its position is out of range');
  return { offset, key: match[3] ?? null };
}
