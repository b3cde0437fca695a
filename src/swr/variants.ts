/**
 * The ways SWR servers differ (docs/upstream.md, "Which SWR"), as configuration with a safe
 * default, and what the gateway has learned of its server from the answers. Each setting names
 * what the gateway does when the server cannot do a thing exactly; none of them ever trades
 * correctness for speed unasked.
 */

/**
 * How the repository list's `namespace` and `name` filters match. `fuzzy` (the reference's
 * word, and the default): the gateway reads the organization's whole list and keeps exactly its
 * repositories, sorted here. `exact`: the server's filter is trusted to page exactly; every
 * record is still checked, and a foreign one fails the page.
 */
export type RepositoryMatch = 'fuzzy' | 'exact';

/**
 * Where the tag list's name order comes from. `detect` (the default): sorted here from the whole
 * list until an answer proves that SWR keeps the name order (`order_column=tag` answered with
 * the true first page of at least 20 rows, whose time orders differ from it), SWR's from then on;
 * a refusal (a 400) or a page out of name order proves it does not. `server`: asked of SWR, and a
 * refusal or a page out of order is a coded error. `local`: always sorted here.
 */
export type TagNameOrder = 'detect' | 'server' | 'local';

/**
 * The repository list's time column, spelt `updated_time` (2025 reference, gophertelekomcloud)
 * or `updated_at` (Huawei Cloud's SDK, 2024 reference). `detect` (the default) sends
 * `updated_time` and, after a 400, `updated_at`. Only the `exact` match sends it: the `fuzzy`
 * one sorts here.
 */
export type RepositoryTimeColumn = 'detect' | 'updated_time' | 'updated_at';

export interface ServerVariants {
  repositoryMatch: RepositoryMatch;
  tagNameOrder: TagNameOrder;
  repositoryTimeColumn: RepositoryTimeColumn;
  /**
   * The longest list the gateway reads whole to filter or sort it itself (a fuzzy organization
   * list, the name order of a server without one); a longer one is a coded error.
   */
  wholeListMaxItems: number;
}

export const DEFAULT_VARIANTS: ServerVariants = {
  repositoryMatch: 'fuzzy',
  tagNameOrder: 'detect',
  repositoryTimeColumn: 'detect',
  wholeListMaxItems: 10_000,
};

export const REPOSITORY_MATCHES: readonly RepositoryMatch[] = ['fuzzy', 'exact'];
export const TAG_NAME_ORDERS: readonly TagNameOrder[] = ['detect', 'server', 'local'];
export const REPOSITORY_TIME_COLUMNS: readonly RepositoryTimeColumn[] = [
  'detect',
  'updated_time',
  'updated_at',
];

/**
 * What the answers have shown of the server, for the process's life: learned once, then every
 * request goes the way that works. Nothing here depends on a caller's token.
 */
export class ServerTraits {
  /** What SWR's answers have shown of `order_column=tag`: kept, refused or ignored, or not yet. */
  tagNameOrderSeen: 'unknown' | 'kept' | 'lacking' = 'unknown';
  /** The repository list's time column that SWR was seen to accept, once it refused one. */
  repositoryTimeColumn: 'updated_time' | 'updated_at' = 'updated_time';

  constructor(readonly variants: ServerVariants) {
    if (variants.repositoryTimeColumn !== 'detect') {
      this.repositoryTimeColumn = variants.repositoryTimeColumn;
    }
  }

  /** Whether the name order is to be sorted here. */
  get sortsTagNamesLocally(): boolean {
    const { tagNameOrder } = this.variants;
    if (tagNameOrder === 'local' || this.tagNameOrderSeen === 'lacking') return true;
    return tagNameOrder === 'detect' && this.tagNameOrderSeen === 'unknown';
  }
}
