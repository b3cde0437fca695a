import { GraphQLScalarType, Kind } from 'graphql';
import { isDateTime } from '../swr/time';

function dateTime(value: unknown): string {
  if (isDateTime(value)) return value;
  throw new TypeError('DateTime takes an RFC 3339 date-time string.');
}

/**
 * Date-times as RFC 3339 strings, passed on exactly as SWR wrote them: no conversion per tag,
 * and no change of precision or offset.
 */
export const DateTimeScalar = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  description: 'A date and time as an RFC 3339 string, for example `2018-07-06T06:18:55Z`.',
  specifiedByURL: 'https://datatracker.ietf.org/doc/html/rfc3339',
  serialize: dateTime,
  parseValue: dateTime,
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING) return dateTime(ast.value);
    throw new TypeError('DateTime takes an RFC 3339 date-time string.');
  },
});

const DIGITS = /^(0|[1-9][0-9]*)$/;

/**
 * Whole numbers of any size, encoded as decimal strings (as GitHub's API does), so that no
 * client parses 2^53 + 1 as 2^53.
 */
export const BigIntScalar = new GraphQLScalarType<string, string>({
  name: 'BigInt',
  description:
    'A non-negative whole number that may exceed 2^53, encoded as a decimal string so that no client loses precision.',
  serialize(value) {
    if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))) {
      return String(value);
    }
    if (typeof value === 'string' && DIGITS.test(value)) return value;
    throw new TypeError('BigInt cannot represent this value exactly.');
  },
  parseValue(value) {
    if (typeof value === 'string' && DIGITS.test(value)) return value;
    throw new TypeError('BigInt takes a decimal string of digits.');
  },
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING && DIGITS.test(ast.value)) return ast.value;
    throw new TypeError('BigInt takes a decimal string of digits.');
  },
});
