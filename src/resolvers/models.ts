import type { Range } from '../pagination/window';
import type { RepositoryRef } from '../swr/client';
import type { SwrTag } from '../swr/types';

/**
 * What resolvers pass to the field resolvers below them (codegen's mappers): the upstream's
 * records, wrapped with just the context a field needs.
 */

export type RepositoryModel = RepositoryRef;

export interface TagModel {
  tag: SwrTag;
  repository: RepositoryRef;
}

export interface TagConnectionModel {
  repository: RepositoryRef;
  /** The cursor scope of the list (see `cursorScope`). */
  scope: string;
  /** The tags of the window, in list order. */
  items: SwrTag[];
  /** The window's position in the list. */
  window: Range;
  /** The length of the whole list. */
  total: number;
}

export interface TagEdgeModel {
  node: TagModel;
  /** The edge's offset in the list. */
  offset: number;
  scope: string;
}
