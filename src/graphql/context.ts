import type DataLoader from 'dataloader';
import { upstreamBudgetSpent } from './errors';
import { limitConcurrency } from '../loaders/concurrency';
import { createWindowLoader, type WindowLoader } from '../loaders/list-windows';
import { REPOSITORY_LISTS, TAG_LISTS, type RepositoryList, type TagList } from '../loaders/lists';
import { createNamespaceLoaders, type NamespaceLoaders } from '../loaders/namespaces';
import {
  createRepositoryDetailsLoader,
  type RepositoryDetails,
} from '../loaders/repository-details';
import type { UpstreamSession } from '../loaders/session';
import { createTagByNameLoader, type TagByNameLoader } from '../loaders/tag-by-name';
import { createWholeTagListLoader, type WholeTagListLoader } from '../loaders/whole-tag-lists';
import type { TagEventSource } from '../subscriptions/tag-events';
import type { RequestRecord } from './request-record';
import type { RepositoryRef, SwrClient } from '../swr/client';
import type { SwrRepositorySummary, SwrTag } from '../swr/types';

/**
 * The per-request context: the caller's token and loaders made for this request alone, so no
 * cache outlives a request or is shared between callers.
 */
export interface GatewayContext {
  /** The caller's SWR token, or null when the request carried none. */
  token: string | null;
  /** The request's loaders; null without a token, as nothing may then reach SWR. */
  loaders: Loaders | null;
  /** The client with the caller's token, for changes (mutations); null without a token. */
  session: UpstreamSession | null;
  request: RequestRecord;
  /** The process's tag watchers (`Subscription.tagEvents`); null where none are served. */
  tagEvents: TagEventSource | null;
}

export interface Loaders {
  tagWindows: WindowLoader<TagList, SwrTag>;
  repositoryWindows: WindowLoader<RepositoryList, SwrRepositorySummary>;
  tagByName: TagByNameLoader;
  repositoryDetails: DataLoader<RepositoryRef, RepositoryDetails, string>;
  namespaces: NamespaceLoaders;
  /** Whole tag lists, for the orders SWR cannot sort by. */
  wholeTagLists: WholeTagListLoader;
}

/**
 * Forgets what the request's loaders hold about a repository after it changed upstream: its tag
 * windows and tags by name, its details, and its organization's repository lists (which carry
 * its tag count and size).
 */
export function forgetRepository(loaders: Loaders, repository: RepositoryRef): void {
  loaders.tagWindows.forget(
    (list) =>
      list.repository.namespace === repository.namespace &&
      list.repository.name === repository.name,
  );
  loaders.tagByName.forget(repository);
  loaders.wholeTagLists.forget(repository);
  loaders.repositoryDetails.clear(repository);
  loaders.repositoryWindows.forget((list) => list.namespace === repository.namespace);
}

export interface ContextOptions {
  /** The most upstream requests in flight for one GraphQL request. */
  upstreamConcurrency: number;
  /** How long one GraphQL request may spend on upstream requests, retries included. */
  deadlineMs: number;
  /** The most upstream attempts one GraphQL request may make, retries included. */
  maxUpstreamAttempts: number;
  /** The longest tag list ordered by version (read whole and sorted in memory). */
  versionOrderMaxTags: number;
  tagEvents?: TagEventSource | null;
}

/** An IAM token is a long printable string; anything else could never authenticate. */
const TOKEN = /^[\x21-\x7e]{1,16384}$/;

/**
 * The caller's token from `X-Auth-Token`, or from `Authorization: Bearer <token>`. A value
 * that is not a plausible token counts as none: it could not be sent on as a header anyway.
 */
export function tokenFrom(headers: Headers): string | null {
  const direct = headers.get('x-auth-token')?.trim();
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.get('authorization') ?? '')?.[1];
  const token = direct || bearer;
  return token !== undefined && TOKEN.test(token) ? token : null;
}

/** The request's loaders, each made when first asked for: most queries use one or two. */
class RequestLoaders implements Loaders {
  private tagWindowsLoader: Loaders['tagWindows'] | undefined;
  private repositoryWindowsLoader: Loaders['repositoryWindows'] | undefined;
  private tagByNameLoader: Loaders['tagByName'] | undefined;
  private repositoryDetailsLoader: Loaders['repositoryDetails'] | undefined;
  private namespacesLoaders: Loaders['namespaces'] | undefined;
  private wholeTagListsLoader: Loaders['wholeTagLists'] | undefined;

  constructor(
    private readonly session: UpstreamSession,
    private readonly versionOrderMaxTags: number,
  ) {}

  get tagWindows(): Loaders['tagWindows'] {
    return (this.tagWindowsLoader ??= createWindowLoader(this.session, TAG_LISTS));
  }

  get repositoryWindows(): Loaders['repositoryWindows'] {
    return (this.repositoryWindowsLoader ??= createWindowLoader(this.session, REPOSITORY_LISTS));
  }

  get tagByName(): Loaders['tagByName'] {
    return (this.tagByNameLoader ??= createTagByNameLoader(this.session));
  }

  get repositoryDetails(): Loaders['repositoryDetails'] {
    return (this.repositoryDetailsLoader ??= createRepositoryDetailsLoader(this.session));
  }

  get namespaces(): Loaders['namespaces'] {
    return (this.namespacesLoaders ??= createNamespaceLoaders(this.session));
  }

  get wholeTagLists(): Loaders['wholeTagLists'] {
    return (this.wholeTagListsLoader ??= createWholeTagListLoader(
      this.session,
      this.versionOrderMaxTags,
    ));
  }
}

export function createContext(
  client: SwrClient,
  headers: Headers,
  record: RequestRecord,
  options: ContextOptions,
): GatewayContext {
  const token = tokenFrom(headers);
  const tagEvents = options.tagEvents ?? null;
  if (token === null) return { token, loaders: null, session: null, request: record, tagEvents };
  const session: UpstreamSession = {
    client,
    token,
    limit: limitConcurrency(options.upstreamConcurrency),
    call: {
      requestId: record.id,
      trace: record.trace,
      ...(record.signal && { signal: record.signal }),
      deadline: Date.now() + options.deadlineMs,
      onAttempt: () => {
        record.upstreamCalls++;
      },
      admit: () => {
        if (record.upstreamCalls >= options.maxUpstreamAttempts) {
          throw upstreamBudgetSpent(options.maxUpstreamAttempts);
        }
      },
    },
  };
  return {
    token,
    loaders: new RequestLoaders(session, options.versionOrderMaxTags),
    session,
    request: record,
    tagEvents,
  };
}
