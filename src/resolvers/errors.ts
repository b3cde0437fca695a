import { GraphQLError } from 'graphql';
import { SwrError, isThrottling, refusalOf, type SwrRefusal } from '../swr/errors';

/**
 * The gateway's error codes (`extensions.code`) and the one mapping from upstream failures to
 * them. Upstream failures keep SWR's status and error code in `extensions.upstream`.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'QUERY_TOO_EXPENSIVE'
  | 'RATE_LIMITED'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_UNAVAILABLE'
  | 'CLIENT_CLOSED_REQUEST'
  | 'TOO_MANY_SUBSCRIPTIONS'
  | 'SUBSCRIPTIONS_EXHAUSTED';

export function gatewayError(
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/**
 * The reason a request's work is aborted when its caller has gone: an error with a code, so that
 * the resolvers it reaches report it as what it is and no log calls it unexpected.
 */
export function callerGone(): GraphQLError {
  return gatewayError('CLIENT_CLOSED_REQUEST', 'The caller closed the connection first.');
}

/** A caller's value quoted in a message, cut short so that no message echoes a huge input. */
export function quoted(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
}

export function badUserInput(message: string, argument?: string): GraphQLError {
  return gatewayError('BAD_USER_INPUT', message, argument === undefined ? {} : { argument });
}

/** A query that ran out of the upstream requests one query may make (see `maxUpstreamAttempts`). */
export function upstreamBudgetSpent(maxUpstreamAttempts: number): GraphQLError {
  return gatewayError(
    'QUERY_TOO_EXPENSIVE',
    `The query needed more than the ${maxUpstreamAttempts} SWR requests (retries included) one query may make. Ask for smaller pages or fewer aliases, or try again if SWR was failing.`,
    { limits: { maxUpstreamAttempts } },
  );
}

export function missingToken(): GraphQLError {
  return gatewayError(
    'UNAUTHENTICATED',
    'An SWR token is required: send it as `X-Auth-Token: <token>` or `Authorization: Bearer <token>`.',
  );
}

/** The codes an upstream failure can turn into. */
type UpstreamFailureCode = Exclude<
  ErrorCode,
  | 'QUERY_TOO_EXPENSIVE'
  | 'CLIENT_CLOSED_REQUEST'
  | 'TOO_MANY_SUBSCRIPTIONS'
  | 'SUBSCRIPTIONS_EXHAUSTED'
>;

const REFUSALS: Record<SwrRefusal, UpstreamFailureCode> = {
  token: 'UNAUTHENTICATED',
  access: 'FORBIDDEN',
  missing: 'NOT_FOUND',
};

function codeForStatus(error: SwrError): UpstreamFailureCode {
  const refusal = refusalOf(error);
  if (refusal !== null) return REFUSALS[refusal];
  return isThrottling(error) ? 'RATE_LIMITED' : 'UPSTREAM_ERROR';
}

const MESSAGES: Record<UpstreamFailureCode, (subject: string) => string> = {
  BAD_USER_INPUT: (subject) => `SWR refused the request for ${subject} as invalid.`,
  UNAUTHENTICATED: () => 'SWR rejected the token: it is missing, invalid or expired.',
  FORBIDDEN: (subject) => `The token may not access ${subject}.`,
  NOT_FOUND: (subject) => `${subject} does not exist or is not visible to this token.`,
  RATE_LIMITED: () => 'SWR is throttling requests; retry in a few seconds.',
  UPSTREAM_ERROR: (subject) => `SWR failed to answer for ${subject}.`,
  UPSTREAM_TIMEOUT: (subject) => `SWR did not answer in time for ${subject}.`,
  UPSTREAM_UNAVAILABLE: () => 'SWR cannot be reached right now.',
};

/**
 * Turns an error from the SWR client into the GraphQL error the caller sees. `subject` names
 * what was asked for, for example `the repository library/nginx`. Errors that are already
 * GraphQL errors pass unchanged; anything else is left to the server's error masking.
 */
export function toGraphQLError(error: unknown, subject: string): unknown {
  if (error instanceof GraphQLError || !(error instanceof SwrError)) return error;
  let code: UpstreamFailureCode;
  switch (error.failure) {
    case 'timeout':
      code = 'UPSTREAM_TIMEOUT';
      break;
    case 'network':
      code = 'UPSTREAM_UNAVAILABLE';
      break;
    case 'malformed':
      code = 'UPSTREAM_ERROR';
      break;
    case 'status':
      code = codeForStatus(error);
      break;
  }
  const upstream = {
    ...(error.status === undefined ? {} : { status: error.status }),
    ...error.detail,
  };
  const retryAfter =
    error.retryAfterMs === null ? {} : { retryAfterSeconds: Math.ceil(error.retryAfterMs / 1000) };
  const reason = error.reason === null ? {} : { reason: error.reason };
  return gatewayError(code, MESSAGES[code](subject), { upstream, ...retryAfter, ...reason });
}
