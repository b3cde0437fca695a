/**
 * RFC 3339 date-times as SWR writes them (`2018-07-06T06:18:55Z`), with the ranges of each
 * part checked, so a value that passes is a real instant and can be passed on unchanged.
 */
const RFC_3339 =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

export function isDateTime(value: unknown): value is string {
  return typeof value === 'string' && RFC_3339.test(value);
}
