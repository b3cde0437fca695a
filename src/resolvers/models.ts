import type { Range } from '../pagination/window';
import type { RepositoryRef } from '../swr/client';
import type { SwrRepositorySummary, SwrTag } from '../swr/types';

/**
 * What resolvers pass to the field resolvers below them (codegen's mappers): the upstream's
 * records, wrapped with just the context a field needs.
 */

/** A repository by name; its details are read (or primed) through the request's loader. */
export type RepositoryModel = RepositoryRef;

/** An organization by name; its record is read (or primed) through the request's loader. */
export interface NamespaceModel {
  name: string;
}

export interface TagModel {
  tag: SwrTag;
  repository: RepositoryRef;
}

/** A window of a list, the same for every connection type. */
export interface ConnectionModel<T> {
  /** The cursor scope of the list (see `cursorScope`). */
  scope: string;
  /** The items of the window, in list order. */
  items: T[];
  /** The window's position in the list. */
  window: Range;
  /** The length of the whole list. */
  total: number;
  /** The key a cursor carries for an item, for lists whose cursors re-anchor. */
  keyOf?: ((item: T) => string) | undefined;
}

export interface TagConnectionModel extends ConnectionModel<SwrTag> {
  repository: RepositoryRef;
}

export type RepositoryConnectionModel = ConnectionModel<SwrRepositorySummary>;

export interface EdgeModel<N> {
  node: N;
  /** The edge's offset in the list. */
  offset: number;
  scope: string;
  /** The edge's key, for lists whose cursors re-anchor. */
  key: string | undefined;
}

export type TagEdgeModel = EdgeModel<TagModel>;

export type RepositoryEdgeModel = EdgeModel<RepositoryModel>;

export interface DeleteTagPayloadModel {
  deletedTagId: string;
  repository: RepositoryModel;
}

export interface DeleteTagFailureModel {
  tag: string;
  code: string;
  message: string;
}

export interface DeleteTagsPayloadModel {
  deletedTagIds: string[];
  failures: DeleteTagFailureModel[];
  repository: RepositoryModel;
}
