import { GraphQLError } from 'graphql';
import { missingToken, toGraphQLError } from './errors';
import type { GatewayContext } from './context';
import type { Loaders } from '../loaders/request-loaders';
import type { UpstreamSession } from '../loaders/session';

/**
 * How every resolver reaches SWR: through the request's loaders, which exist only when the
 * request carried a token (without one, `UNAUTHENTICATED` and no upstream call), with upstream
 * failures turned into GraphQL errors about `subject` (for example `the repository
 * library/nginx`).
 */
export async function withUpstream<T>(
  context: GatewayContext,
  subject: string,
  use: (loaders: Loaders, session: UpstreamSession) => Promise<T>,
): Promise<T> {
  const { loaders, session } = context;
  if (!loaders || !session) throw missingToken();
  try {
    return await use(loaders, session);
  } catch (error) {
    throw toGraphQLError(error, subject);
  }
}

/** Whether an error is the `NOT_FOUND` that a lookup answers with null instead. */
export function isNotFound(error: unknown): boolean {
  return error instanceof GraphQLError && error.extensions.code === 'NOT_FOUND';
}
