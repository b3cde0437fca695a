/**
 * GraphQL's largest `Int`: no list the gateway serves is longer and no count it reports is
 * larger. Pagination owns the number because cursor offsets are bounded by it; the SWR client
 * reads upstream counts against the same bound.
 */
export const MAX_INT = 2 ** 31 - 1;
