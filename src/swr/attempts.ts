import type { SwrError } from './errors';

/**
 * What the client tells of each attempt it sends, to metrics and to tracing: never the token,
 * the names in the path or the query string.
 */

export type Method = 'GET' | 'DELETE';

/** What the client reports of every upstream attempt, for metrics. */
export interface UpstreamAttempt {
  operation: string;
  /** `ok`, or the failure (`status`, `malformed`, `network`, `timeout`). */
  outcome: 'ok' | SwrError['failure'];
  status: number | null;
  durationMs: number;
}

/** An attempt about to be sent, as an observer sees it: no token, no names, no query. */
export interface AttemptStart {
  operation: string;
  method: Method;
  /** The route as a template, e.g. `/v2/manage/namespaces/{namespace}/repos/{repository}/tags`. */
  route: string;
  /** 0 for the first attempt of a request, 1 for its first retry, … */
  retry: number;
  /** The span the attempt belongs under, from the call's `RequestTrace` (opaque here). */
  parent: unknown;
}

/** How an attempt ended: the outcome, SWR's status and its error code when it sent one. */
export interface AttemptEnd {
  outcome: UpstreamAttempt['outcome'];
  status: number | null;
  errorCode: string | undefined;
}

/** What an observer does with one attempt: headers to send with it, and a call when it ends. */
export interface AttemptWatch {
  headers: Record<string, string>;
  end(result: AttemptEnd): void;
}

export type AttemptObserver = (attempt: AttemptStart) => AttemptWatch;

/**
 * Tracing's state for one GraphQL request, when tracing is on: written by its yoga plugin, passed
 * along with every upstream call of the request, read by its observer; opaque to the layers
 * between. Spans are handed down this way, not through an async context, which would slow every
 * promise of the process.
 */
export interface RequestTrace {
  /** The ids of the request's server span, for its log lines. */
  ids?: { trace_id: string; span_id: string };
  /** The span the request's upstream attempts go under (an OpenTelemetry context). */
  parent?: unknown;
}

/** Each operation's route, as a template: what tracing records instead of the path. */
export const ROUTES: Record<string, string> = {
  listTags: '/v2/manage/namespaces/{namespace}/repos/{repository}/tags',
  listNamespaces: '/v2/manage/namespaces',
  getNamespace: '/v2/manage/namespaces/{namespace}',
  listRepositories: '/v2/manage/repos',
  getRepository: '/v2/manage/namespaces/{namespace}/repos/{repository}',
  deleteTag: '/v2/manage/namespaces/{namespace}/repos/{repository}/tags/{tag}',
};
