import { join } from 'node:path';
import {
  Environment,
  Network,
  Observable,
  RecordSource,
  Store,
  requestSubscription,
  type ConcreteRequest,
  type GraphQLResponse,
  type SubscribeFunction,
} from 'relay-runtime';
import { compileRelayApp, type RelayApp } from '../clients/generate';
import { sseClient, startLiveApp, type LiveApp } from './support';

/**
 * A Relay app's live tags: relay-compiler compiles the fixture's subscription (`relay-app/`)
 * against the schema the gateway serves, and relay-runtime's `requestSubscription` runs it over
 * a network layer on graphql-sse, sending the persisted text by the artifact's id. The store
 * gains the pushed tag; an updater removes a deleted one.
 */

let live: LiveApp;
let app: RelayApp;

beforeAll(async () => {
  live = await startLiveApp();
  app = await compileRelayApp(live.app.url, join(__dirname, 'relay-app'));
});

afterAll(async () => {
  await live.close();
});

interface TagEventsResponse {
  tagEvents: { kind: string; name: string; tagId: string };
}

test('requestSubscription over SSE receives a push into the store, and a deletion out of it', async () => {
  const sse = sseClient(live.app.url);
  const subscribe: SubscribeFunction = (params, variables) =>
    Observable.create<GraphQLResponse>((sink) => {
      const query = params.id === null ? undefined : app.persistedDocuments[params.id];
      if (query === undefined) throw new Error(`${params.name} is not persisted`);
      return sse.subscribe(
        { query, variables },
        {
          next: (value) => {
            sink.next(value as GraphQLResponse);
          },
          error: (error) => {
            sink.error(error instanceof Error ? error : new Error(JSON.stringify(error)));
          },
          complete: () => {
            sink.complete();
          },
        },
      );
    });
  const environment = new Environment({
    network: Network.create(() => {
      throw new Error('this app only subscribes');
    }, subscribe),
    store: new Store(new RecordSource()),
  });
  const received: TagEventsResponse[] = [];
  const waiting: (() => void)[] = [];
  const next = async (): Promise<TagEventsResponse> => {
    while (received.length === 0) await new Promise<void>((resolve) => waiting.push(resolve));
    return received.shift() as TagEventsResponse;
  };
  const subscription = requestSubscription<{
    variables: { namespace: string; repository: string };
    response: TagEventsResponse;
  }>(environment, {
    subscription: await app.artifact<ConcreteRequest>('TagEventsSubscription'),
    variables: { namespace: 'library', repository: 'busybox' },
    onNext: (response) => {
      if (response) received.push(response);
      waiting.splice(0).forEach((resolve) => {
        resolve();
      });
    },
    updater: (store, data) => {
      if (data?.tagEvents.kind === 'DELETED') store.delete(data.tagEvents.tagId);
    },
  });
  await live.ticker.until(1);

  await live.push('busybox', 'relay-1');
  await live.ticker.tick();
  const pushed = await next();
  expect(pushed.tagEvents).toMatchObject({ kind: 'PUSHED', name: 'relay-1' });
  const record = environment.getStore().getSource().get(pushed.tagEvents.tagId);
  expect(record?.name).toBe('relay-1');

  await live.remove('busybox', 'relay-1');
  await live.ticker.tick();
  expect((await next()).tagEvents.kind).toBe('DELETED');
  expect(environment.getStore().getSource().get(pushed.tagEvents.tagId)).toBeNull();

  subscription.dispose();
  await live.ticker.until(0);
  sse.dispose();
});
