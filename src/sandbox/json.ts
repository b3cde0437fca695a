const BIGINT_MARK = /"__sandbox_bigint__(\d+)__"/g;

/** `JSON.stringify` that writes bigints as exact JSON integers. */
export function stringifyExact(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? `__sandbox_bigint__${v.toString()}__` : v,
  ).replace(BIGINT_MARK, '$1');
}
