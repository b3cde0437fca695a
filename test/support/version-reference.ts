/**
 * The reference: the version order as docs/versions.md states it, written again here without
 * the module's regular expressions or digit-string arithmetic (a character scanner and BigInt).
 */
export interface RefVersion {
  release: bigint[];
  pre: string;
  variant: string;
}

const HEX = '0123456789abcdef';
const DIGITS = '0123456789';
/** Whether every character of `text` is one of `allowed` (tag names are ASCII). */
function allIn(text: string, allowed: string): boolean {
  return Array.from(text).every((c) => allowed.includes(c));
}

const WORD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_';

export function refParse(name: string): RefVersion | null {
  const looksLikeHash = name.length >= 7 && name.length <= 40 && allIn(name, HEX);
  if (looksLikeHash && !allIn(name, DIGITS)) return null;
  const text = name[0] === 'v' ? name.substring(1) : name;
  const cut = text.includes('-') ? text.indexOf('-') : text.length;
  const head = text.substring(0, cut);
  const suffix = text.substring(cut + 1);
  const release: bigint[] = [];
  let i = 0;
  for (;;) {
    let digits = '';
    while (i < head.length && DIGITS.includes(head.charAt(i))) digits += head.charAt(i++);
    if (digits === '') return null;
    release.push(BigInt(digits));
    if (head.charAt(i) === '.') i++;
    else break;
  }
  const glued = head.substring(i);
  if (!allIn(glued, WORD)) return null;
  const preSuffix = /^(alpha|beta|rc)([.-]?[0-9]+)*$/i.test(suffix);
  if (glued === '' && text.includes('-') && preSuffix) return { release, pre: suffix, variant: '' };
  return { release, pre: glued, variant: text.includes('-') ? suffix : '' };
}

function tokens(pre: string): string[] {
  const out: string[] = [];
  for (const c of Array.from(pre)) {
    const last = out[out.length - 1];
    if (c === '.') out.push('');
    else if (
      last !== undefined &&
      last !== '' &&
      DIGITS.includes(c) === DIGITS.includes(last.charAt(0))
    ) {
      out[out.length - 1] = last + c;
    } else if (last === '') out[out.length - 1] = c;
    else out.push(c);
  }
  return out.filter((token) => token !== '');
}

function refComparePre(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const x = tokens(a);
  const y = tokens(b);
  for (let i = 0; i < x.length && i < y.length; i++) {
    const p = x[i] as string;
    const q = y[i] as string;
    const pn = DIGITS.includes(p.charAt(0));
    const qn = DIGITS.includes(q.charAt(0));
    if (pn && qn && BigInt(p) !== BigInt(q)) return BigInt(p) < BigInt(q) ? -1 : 1;
    if (pn !== qn) return pn ? -1 : 1;
    if (p !== q) return p < q ? -1 : 1;
  }
  return Math.sign(x.length - y.length);
}

function refCompareAsc(a: string, b: string): number {
  const va = refParse(a);
  const vb = refParse(b);
  if (!va && !vb) return a === b ? 0 : a < b ? -1 : 1;
  if (!va) return 1;
  if (!vb) return -1;
  const n = Math.min(va.release.length, vb.release.length);
  for (let i = 0; i < n; i++) {
    if (va.release[i] !== vb.release[i])
      return (va.release[i] as bigint) < (vb.release[i] as bigint) ? -1 : 1;
  }
  if (va.release.length !== vb.release.length)
    return va.release.length < vb.release.length ? 1 : -1;
  const pre = refComparePre(va.pre, vb.pre);
  if (pre !== 0) return pre;
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Descending: versions reversed, then the tags that are no versions, by name reversed. */
export function refCompare(a: string, b: string, direction: 'asc' | 'desc'): number {
  if (direction === 'asc') return refCompareAsc(a, b);
  const va = refParse(a) !== null;
  const vb = refParse(b) !== null;
  if (va !== vb) return va ? -1 : 1;
  return -refCompareAsc(a, b);
}

/** Names sorted by the reference. */
export function refSorted(names: readonly string[], direction: 'asc' | 'desc'): string[] {
  return [...names].sort((a, b) => refCompare(a, b, direction));
}

/** The reference's latest version of a variant, without pre-releases when `stable`. */
export function refLatest(
  names: readonly string[],
  variant: string,
  stable: boolean,
): string | null {
  const candidates = names.filter((name) => {
    const version = refParse(name);
    return version !== null && version.variant === variant && (!stable || version.pre === '');
  });
  return refSorted(candidates, 'desc')[0] ?? null;
}
