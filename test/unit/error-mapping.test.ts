import fc from 'fast-check';
import { GraphQLError } from 'graphql';
import { toGraphQLError } from '../../src/resolvers/errors';
import { SwrError, refusalOf, type SwrFailure } from '../../src/swr/errors';

/**
 * The tag watchers end their subscriptions on SWR's refusals (`refusalOf`), and the resolver
 * reports them through the one mapping (`toGraphQLError`): a watcher must end exactly on the
 * failures the mapping calls refused (UNAUTHENTICATED, FORBIDDEN, NOT_FOUND), never on one it
 * calls passing (throttling, a timeout, a 5xx), whatever status and code SWR sent.
 */

const REFUSED = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND']);

// SWR's statuses and codes that decide a code, often; any other status or code, now and then.
const swrError = fc
  .record({
    failure: fc.oneof(
      { arbitrary: fc.constant<SwrFailure>('status'), weight: 4 },
      fc.constantFrom<SwrFailure>('malformed', 'network', 'timeout'),
    ),
    status: fc.oneof(
      { arbitrary: fc.constantFrom(400, 401, 403, 404, 409, 429, 500, 503), weight: 4 },
      fc.integer({ min: 100, max: 599 }),
      fc.constant(undefined),
    ),
    errorCode: fc.oneof(
      fc.constantFrom(
        'SVCSTG.SWR.4001048',
        'SVCSTG.SWR.4031032',
        'SVCSTG.SWR.4031042',
        'SVCSTG.SWR.4090023',
        'SVCSTG.SWR.4040006',
      ),
      fc.string(),
      fc.constant(undefined),
    ),
  })
  .map(
    ({ failure, status, errorCode }) =>
      new SwrError(failure, 'SWR failed', status, errorCode === undefined ? {} : { errorCode }),
  );

test('a watcher ends on exactly the failures the mapping reports as refusals', () => {
  fc.assert(
    fc.property(swrError, (error) => {
      const mapped = toGraphQLError(error, 'the repository library/busybox');
      expect(mapped).toBeInstanceOf(GraphQLError);
      const code = String((mapped as GraphQLError).extensions.code);
      expect(refusalOf(error) !== null).toBe(REFUSED.has(code));
    }),
    { numRuns: 1_000 },
  );
});

test('each refusal has its own code', () => {
  const codeOf = (status: number, errorCode?: string): unknown =>
    (
      toGraphQLError(
        new SwrError('status', 'SWR refused', status, errorCode === undefined ? {} : { errorCode }),
        'the repository library/busybox',
      ) as GraphQLError
    ).extensions.code;
  expect(codeOf(401)).toBe('UNAUTHENTICATED');
  expect(codeOf(400, 'SVCSTG.SWR.4001048')).toBe('UNAUTHENTICATED');
  expect(codeOf(403)).toBe('FORBIDDEN');
  expect(codeOf(403, 'SVCSTG.SWR.4031032')).toBe('RATE_LIMITED');
  expect(codeOf(404)).toBe('NOT_FOUND');
  expect(codeOf(400)).toBe('UPSTREAM_ERROR');
});
