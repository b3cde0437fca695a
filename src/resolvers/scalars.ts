import { GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';

export const DateTimeScalar = DateTimeResolver;

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
