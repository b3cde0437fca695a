/**
 * The SWR servers the sandbox can play (`SANDBOX_FLAVOR`), each as its vendor's material shows it
 * (shared/upstream/SWR.md, "What the vendors' own material shows"):
 *
 * - `reference` (the default): the reference page the project started from; every field always
 *   written, exact filters, the name order served.
 * - `otc-2025`: Open Telekom Cloud's reference of 2025-10. Go's servers leave empty fields out
 *   (`description`, `logo`, a `false`, a `0`); times with nine fractional digits; `scanned` in
 *   tag records; the repository list's `namespace` and `name` match as substrings; the name order
 *   served; `updated_time`; not-found codes 4041061 (organization), 4040115 (tag), 4040083 (URL).
 * - `otc-2024`: the 2024 reference: every field written, second-precision times, no `scanned`;
 *   substring filters; `order_column=tag` refused with a 400; the repository time column spelt
 *   `updated_at`; `Content-Range` only when `offset` and `limit` are sent; a bad token is 401
 *   `SVCSTG.SWR.4011044`.
 * - `huaweicloud`: Huawei Cloud as its SDKs show it: empty fields left out; substring filters;
 *   `order_column=tag` ignored (answered in the time order); `updated_at`; the repository list
 *   without `Content-Range` (its total in each record's `total_range`); an API gateway in front
 *   that answers a bad token with 401 `{"error": {"code", "message"}}`.
 *
 * This file imports nothing of the gateway: it is written from the vendors' material.
 */
import { bareArray, huawei, invalidParameters, type Reply } from './replies';
import { stringifyExact } from './wire';

export const SANDBOX_FLAVORS = ['reference', 'otc-2025', 'otc-2024', 'huaweicloud'] as const;
export type SandboxFlavor = (typeof SANDBOX_FLAVORS)[number];

export interface FlavorRules {
  flavor: SandboxFlavor;
  /** Empty fields (`""`, null, false, 0) left out, as Go's `omitempty` does. */
  omitEmpty: boolean;
  /** Times written with nine fractional digits. */
  nanoTimes: boolean;
  /** Whether tag records carry `scanned` (where the dataset has it). */
  scanned: boolean;
  /** The repository list's `namespace` matches as a substring (its `name` always does). */
  fuzzyNamespace: boolean;
  /** What `order_column=tag` gets: served, refused with a 400, or ignored (the time order). */
  tagNameOrder: 'served' | 'refused' | 'ignored';
  /** The repository list's time column, the only spelling accepted. */
  repositoryTimeColumn: 'updated_time' | 'updated_at';
  /** `Content-Range` on the tag list only when `offset` and `limit` are sent. */
  rangeOnlyWhenPaged: boolean;
  /** Whether the repository list carries `Content-Range` at all. */
  repositoryRange: boolean;
  /** The answer to a token that is not valid. */
  badToken: Reply;
  /** The 404s of an unknown organization and an unknown route. */
  namespaceNotFound: Reply | null;
  routeNotFound: Reply | null;
}

const REFERENCE: FlavorRules = {
  flavor: 'reference',
  omitEmpty: false,
  nanoTimes: false,
  scanned: true,
  fuzzyNamespace: false,
  tagNameOrder: 'served',
  repositoryTimeColumn: 'updated_time',
  rangeOnlyWhenPaged: false,
  repositoryRange: true,
  badToken: bareArray(401, 'SVCSTG.SWR.4010000', 'Authentication failed: token invalid or expired'),
  namespaceNotFound: null,
  routeNotFound: null,
};

const RULES: Readonly<Record<SandboxFlavor, FlavorRules>> = {
  reference: REFERENCE,
  'otc-2025': {
    ...REFERENCE,
    flavor: 'otc-2025',
    omitEmpty: true,
    nanoTimes: true,
    fuzzyNamespace: true,
    namespaceNotFound: huawei(404, 'SVCSTG.SWR.4041061', 'Namespace not found'),
    routeNotFound: huawei(404, 'SVCSTG.SWR.4040083', 'URL not found'),
  },
  'otc-2024': {
    ...REFERENCE,
    flavor: 'otc-2024',
    scanned: false,
    fuzzyNamespace: true,
    tagNameOrder: 'refused',
    repositoryTimeColumn: 'updated_at',
    rangeOnlyWhenPaged: true,
    badToken: bareArray(401, 'SVCSTG.SWR.4011044', 'Authentication failed'),
  },
  huaweicloud: {
    ...REFERENCE,
    flavor: 'huaweicloud',
    omitEmpty: true,
    scanned: false,
    fuzzyNamespace: true,
    tagNameOrder: 'ignored',
    repositoryTimeColumn: 'updated_at',
    repositoryRange: false,
    badToken: {
      status: 401,
      body: JSON.stringify({
        error: { code: 'APIG.1002', message: 'Incorrect token or token resolution failed' },
      }),
    },
  },
};

export function isSandboxFlavor(value: string): value is SandboxFlavor {
  return (SANDBOX_FLAVORS as readonly string[]).includes(value);
}

export function flavorRules(flavor: SandboxFlavor = 'reference'): FlavorRules {
  return RULES[flavor];
}

/** The answer to `order_column=tag` on a server that refuses it. */
export const TAG_ORDER_REFUSED = invalidParameters('order_column must be updated_at');

/** Nine fractional digits that equal times share, so that the order among times is kept. */
function nanoTime(time: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < time.length; i++) hash = Math.imul(hash ^ time.charCodeAt(i), 0x01000193);
  const fraction = String((hash >>> 0) % 1_000_000_000).padStart(9, '0');
  return time.replace(/Z$/, `.${fraction}Z`);
}

const TIME_FIELDS = new Set(['created', 'updated', 'deleted', 'created_at', 'updated_at']);

function isEmpty(value: unknown): boolean {
  return value === '' || value === null || value === false || value === 0;
}

/** A record as the flavor writes it: its keys in the same order, some left out or rewritten. */
export function flavoredJson(rules: FlavorRules, record: object): string {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (rules.omitEmpty && isEmpty(value)) continue;
    if (key === 'scanned' && !rules.scanned) continue;
    out[key] =
      rules.nanoTimes && TIME_FIELDS.has(key) && typeof value === 'string'
        ? nanoTime(value)
        : value;
  }
  return stringifyExact(out);
}

/** Memoised per record object: records never change (a change makes new ones). */
const memos = new Map<SandboxFlavor, WeakMap<object, string>>();

export function memoJson(rules: FlavorRules, record: object): string {
  let memo = memos.get(rules.flavor);
  if (memo === undefined) {
    memo = new WeakMap();
    memos.set(rules.flavor, memo);
  }
  let json = memo.get(record);
  if (json === undefined) {
    json = flavoredJson(rules, record);
    memo.set(record, json);
  }
  return json;
}
