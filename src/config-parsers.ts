/**
 * How the settings' values are read from the environment: each parser takes a value that is
 * set (never empty) and reports a value it cannot use as a problem named for its variable.
 */

export type Env = Readonly<Record<string, string | undefined>>;

/** Reads a variable's value (never empty); a value it cannot use is a problem named for it. */
export type Parse<T> = (raw: string, name: string, problems: string[]) => T;

/** The shortest SUBGRAPH_SECRET accepted: a short one could be guessed. */
export const MIN_SECRET_LENGTH = 16;

/** A whole number from `min` to `max`. */
export function whole(min: number, max: number): Parse<number> {
  return (raw, name, problems) => {
    const value = Number(raw);
    if (Number.isInteger(value) && value >= min && value <= max) return value;
    problems.push(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
    return NaN;
  };
}

/** A whole number from the environment in [min, max]; `fallback` when unset or empty. */
export function integer(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = whole(min, max)(raw, name, problems);
  return Number.isNaN(value) ? fallback : value;
}

/** One of `choices`, spelt exactly. */
export function oneOf<T extends string>(choices: readonly T[]): Parse<T> {
  return (raw, name, problems) => {
    const value = choices.find((known) => known === raw);
    if (value === undefined)
      problems.push(`${name} must be one of ${choices.join(', ')}, not "${raw}"`);
    return value ?? (choices[0] as T);
  };
}

export const flag: Parse<boolean> = (raw, name, problems) => {
  if (raw !== 'true' && raw !== 'false')
    problems.push(`${name} must be true or false, not "${raw}"`);
  return raw === 'true';
};

export const text: Parse<string | null> = (raw) => raw;

/** Comma-separated origins such as `https://app.example.com`; `*` for every origin. */
export const origins: Parse<string[] | null> = (raw, name, problems) => {
  if (raw.trim() === '' || raw.trim() === '*') return null;
  const list = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of list) {
    if (URL.parse(entry)?.origin !== entry) {
      problems.push(
        `${name} must list origins like https://app.example.com (scheme, host, port; no path), not "${entry}"`,
      );
    }
  }
  return list;
};

export const secret: Parse<string | null> = (raw, name, problems) => {
  // It travels as a header value: printable ASCII without spaces.
  if (raw.length >= MIN_SECRET_LENGTH && /^[\x21-\x7e]+$/.test(raw)) return raw;
  problems.push(
    `${name} must be at least ${MIN_SECRET_LENGTH} printable ASCII characters without spaces`,
  );
  return null;
};

export const endpoint: Parse<string | null> = (raw, name, problems) => {
  const url = URL.parse(raw);
  if (
    url === null ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    problems.push(`${name} must be an http(s) URL without query or credentials, not "${raw}"`);
    return null;
  }
  return url.href.replace(/\/+$/, '');
};
