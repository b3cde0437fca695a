/**
 * SWR's naming rules, checked before any upstream call, and the encoding of names into paths.
 * An organization (namespace) name is 1 to 64 characters, starts with a lowercase letter and
 * ends with a letter or digit; lowercase letters, digits and single separators (`.`, `_`,
 * `__`, `-`…) between them. A repository name is 1 to 128 characters of such components joined
 * by `/`. A tag name follows Docker's rule: 1 to 128 of `[A-Za-z0-9_.-]`, not starting with `.`
 * or `-`.
 */

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const NAMESPACE = /^[a-z][a-z0-9]*(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const TAG_FRAGMENT = /^[A-Za-z0-9_.-]{1,128}$/;

export function isValidNamespace(name: string): boolean {
  return name.length <= 64 && NAMESPACE.test(name);
}

export function isValidRepositoryName(name: string): boolean {
  return name.length <= 128 && REPOSITORY.test(name);
}

export function isValidTagName(name: string): boolean {
  return TAG.test(name);
}

/** Whether a string can be part of a tag name, as a substring filter must. */
export function isValidTagFragment(fragment: string): boolean {
  return TAG_FRAGMENT.test(fragment);
}

const REPOSITORY_FRAGMENT = /^[a-z0-9._/-]{1,128}$/;
const CATEGORY = /^[a-z][a-z0-9_]{0,63}$/;

/** Whether a string can be part of a repository name, as a substring filter must. */
export function isValidRepositoryFragment(fragment: string): boolean {
  return REPOSITORY_FRAGMENT.test(fragment);
}

/** Whether a string can be a repository category (`linux`, `app_server`, `other`…). */
export function isValidCategory(category: string): boolean {
  return CATEGORY.test(category);
}

/** A path segment: percent-encoded, so that no name can change the path. */
export function pathSegment(value: string): string {
  return encodeURIComponent(value);
}

/** SWR's spelling of a repository name in a path: `/` becomes `$` (`team/app` → `team$app`). */
export function repositorySegment(name: string): string {
  return encodeURIComponent(name.replaceAll('/', '$')).replaceAll('%24', '$');
}
