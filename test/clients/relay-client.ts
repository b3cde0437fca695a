/**
 * relay-runtime driven with relay-compiler's artifacts as react-relay's hooks drive it, without
 * React: `usePaginationFragment`'s `loadNext`/`loadPrevious` (react-relay's
 * `useLoadMoreFunction`) and `useRefetchableFragment`'s `refetch`, step by step, from the
 * metadata the compiler wrote into the fragment. The network layer sends what the compiler
 * persisted: an operation's text is looked up by the id in its artifact.
 */
import {
  ConnectionInterface,
  Environment,
  Network,
  RecordSource,
  Store,
  __internal,
  createOperationDescriptor,
  fetchQuery,
  getPaginationMetadata,
  getPaginationVariables,
  getRefetchMetadata,
  getSelector,
  getValueAtPath,
  type ConcreteRequest,
  type Disposable,
  type FetchFunction,
  type GraphQLResponse,
  type OperationDescriptor,
  type ReaderFragment,
  type ReaderSelector,
  type RelayFieldLogger,
  type SingularReaderSelector,
  type Variables,
} from 'relay-runtime';
import { DEMO_TOKEN } from '../../src/sandbox/server';

export interface SentRequest {
  name: string;
  variables: Variables;
  response: GraphQLResponse;
}

export interface RelayClient {
  environment: Environment;
  /** Every request the network layer sent, with its answer. */
  requests: SentRequest[];
  /** What relay-runtime reported through its field logger (missing data, field errors…). */
  fieldEvents: Parameters<RelayFieldLogger>[0][];
  /** Retains an operation, as a mounted component's query does. */
  retain(operation: OperationDescriptor): void;
  dispose(): void;
}

export function createRelayClient(url: string, persisted: Record<string, string>): RelayClient {
  const requests: SentRequest[] = [];
  const fieldEvents: Parameters<RelayFieldLogger>[0][] = [];
  const retained: Disposable[] = [];
  const fetchFunction: FetchFunction = async (params, variables) => {
    const text = params.id === null ? undefined : persisted[params.id];
    if (params.text !== null || text === undefined) {
      throw new Error(`${params.name} is not a persisted document (id ${String(params.id)})`);
    }
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        'x-auth-token': DEMO_TOKEN,
      },
      body: JSON.stringify({ query: text, operationName: params.name, variables }),
    });
    const body = (await response.json()) as GraphQLResponse;
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${JSON.stringify(body)}`);
    requests.push({ name: params.name, variables, response: body });
    return body;
  };
  const environment = new Environment({
    network: Network.create(fetchFunction),
    store: new Store(new RecordSource()),
    relayFieldLogger: (event) => fieldEvents.push(event),
  });
  return {
    environment,
    requests,
    fieldEvents,
    retain: (operation) => retained.push(environment.retain(operation)),
    dispose: () => {
      for (const disposable of retained.splice(0)) disposable.dispose();
    },
  };
}

/** Fetches a query and retains it, as a mounted component would; its data as Relay reads it. */
export async function loadQuery(
  client: RelayClient,
  request: ConcreteRequest,
  variables: Variables,
): Promise<{ operation: OperationDescriptor; data: Record<string, unknown> }> {
  const operation = createOperationDescriptor(request, variables);
  client.retain(operation);
  await fetchQuery(client.environment, request, variables).toPromise();
  return { operation, data: snapshotData(client.environment.lookup(operation.fragment)) };
}

export type Direction = 'forward' | 'backward';

/** The query relay-compiler generated to refetch a `@refetchable` fragment's owner. */
export function refetchQueryOf(fragment: ReaderFragment): ConcreteRequest {
  const operation = fragment.metadata?.refetch?.operation;
  if (typeof operation !== 'object') throw new Error(`${fragment.name} is not @refetchable`);
  return operation;
}

/**
 * A snapshot's data. relay-runtime's types promise data and a selector always; at run time a
 * missing record reads as null, and a null reference selects nothing.
 */
function snapshotData(snapshot: {
  data: unknown;
  isMissingData: boolean;
}): Record<string, unknown> {
  const { data } = snapshot;
  if (snapshot.isMissingData || typeof data !== 'object' || data === null) {
    throw new Error('missing data');
  }
  return data as Record<string, unknown>;
}

function singularSelector(fragment: ReaderFragment, ref: unknown): SingularReaderSelector {
  const selector = getSelector(fragment, ref) as ReaderSelector | null;
  if (selector?.kind !== 'SingularReaderSelector') {
    throw new Error(`no fragment ${fragment.name} in the reference`);
  }
  return selector;
}

/** A fragment's data as `useFragment(fragment, ref)` reads it from the store. */
export function readFragment(
  client: RelayClient,
  fragment: ReaderFragment,
  ref: unknown,
): Record<string, unknown> {
  return snapshotData(client.environment.lookup(singularSelector(fragment, ref)));
}

/** What a component using `usePaginationFragment(fragment, ref)` sees and can call. */
export interface PaginationFragment {
  /** The fragment's data, read from the store as the hook reads it. */
  data(): Record<string, unknown>;
  /** The connection's edges and pageInfo in the fragment's data. */
  connection(): { edges: unknown[]; pageInfo: Record<string, unknown> };
  /** `hasNext` (forward) or `hasPrevious` (backward). */
  hasMore(direction: Direction): boolean;
  /** `loadNext(count)` (forward) or `loadPrevious(count)` (backward), until it completes. */
  loadMore(direction: Direction, count: number): Promise<void>;
}

export function usePaginationFragment(
  client: RelayClient,
  fragment: ReaderFragment,
  ref: unknown,
): PaginationFragment {
  const name = 'usePaginationFragment()';
  const { connectionPathInFragmentData, paginationRequest, paginationMetadata } =
    getPaginationMetadata(fragment, name);
  const { identifierInfo } = getRefetchMetadata(fragment, name);
  const selector = singularSelector(fragment, ref);
  const { EDGES, PAGE_INFO, HAS_NEXT_PAGE, HAS_PREV_PAGE, END_CURSOR, START_CURSOR } =
    ConnectionInterface.get();

  const data = () => readFragment(client, fragment, ref);
  const connection = () => {
    const value = getValueAtPath(data(), connectionPathInFragmentData) as Record<
      string,
      unknown
    > | null;
    const edges = value?.[EDGES];
    const pageInfo = value?.[PAGE_INFO];
    if (!Array.isArray(edges) || typeof pageInfo !== 'object' || pageInfo === null) {
      throw new Error(
        `${fragment.name}: no connection at ${connectionPathInFragmentData.join('.')}`,
      );
    }
    return { edges, pageInfo: pageInfo as Record<string, unknown> };
  };
  // react-relay's getConnectionState.
  const state = (direction: Direction) => {
    const { pageInfo } = connection();
    const cursor =
      (direction === 'forward' ? pageInfo[END_CURSOR] : pageInfo[START_CURSOR]) ?? null;
    if (cursor !== null && typeof cursor !== 'string') throw new Error('a cursor is not a string');
    const more = direction === 'forward' ? pageInfo[HAS_NEXT_PAGE] : pageInfo[HAS_PREV_PAGE];
    return { cursor, hasMore: cursor !== null && more === true };
  };

  return {
    data,
    connection,
    hasMore: (direction) => state(direction).hasMore,
    // react-relay's useLoadMoreFunction, from `getSelector` to `fetchQuery`.
    async loadMore(direction, count) {
      const { cursor, hasMore } = state(direction);
      if (!hasMore) throw new Error(`${fragment.name}: nothing more ${direction}`);
      const baseVariables = { ...selector.owner.variables, ...selector.variables };
      const variables: Variables = getPaginationVariables(
        direction,
        count,
        cursor,
        baseVariables,
        {},
        paginationMetadata,
      );
      if (identifierInfo) {
        const id = data()[identifierInfo.identifierField];
        if (typeof id !== 'string') throw new Error(`${fragment.name}: no string id to refetch`);
        variables[identifierInfo.identifierQueryVariableName] = id;
      }
      const operation = createOperationDescriptor(paginationRequest, variables, { force: true });
      await __internal.fetchQuery(client.environment, operation).toPromise();
    },
  };
}

/**
 * `useRefetchableFragment(fragment, ref)`'s `refetch({}, { fetchPolicy: 'network-only' })`: the
 * compiler's refetch query with the fragment's variables and its id; the fragment's data as
 * the component then reads it, through the reference in the refetched query.
 */
export async function refetchFragment(
  client: RelayClient,
  fragment: ReaderFragment,
  ref: unknown,
): Promise<Record<string, unknown>> {
  const name = 'useRefetchableFragment()';
  const { refetchableRequest, fragmentRefPathInResponse, identifierInfo } = getRefetchMetadata(
    fragment,
    name,
  );
  const selector = singularSelector(fragment, ref);
  const variables: Variables = { ...selector.owner.variables, ...selector.variables };
  if (identifierInfo) {
    const current = readFragment(client, fragment, ref);
    variables[identifierInfo.identifierQueryVariableName] = current[identifierInfo.identifierField];
  }
  const operation = createOperationDescriptor(refetchableRequest, variables, { force: true });
  client.retain(operation);
  await fetchQuery(client.environment, refetchableRequest, operation.request.variables, {
    fetchPolicy: 'network-only',
  }).toPromise();
  const result = client.environment.lookup(operation.fragment).data;
  const refetchedRef: unknown = getValueAtPath(result, fragmentRefPathInResponse);
  return readFragment(client, fragment, refetchedRef);
}
