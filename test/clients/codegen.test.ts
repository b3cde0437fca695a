/**
 * The gateway from a TypeScript front end built with graphql-codegen's client preset: the
 * fixture's codegen.ts (`codegen-app/`) generates typed documents and their persisted-document
 * hashes from the schema the gateway serves, tsc checks the fixture's code against them (and
 * that the types refuse what they should), and the fixture's Apollo Client code runs the typed
 * documents against the gateway with the cache configuration the README documents.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApolloClient } from '@apollo/client';
import { Kind, buildSchema, parse, print, validate, type DocumentNode } from 'graphql';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import { startHarness, type Harness } from '../support/harness';
import { CODEGEN_APP, generateCodegenApp, servedSchema, typecheck, type ToolRun } from './generate';
import { ORDERS } from '../integration/support';
import { expectedNames, orderLabel, spyOnConsole, type TagOrder } from './support';

/** What the tests use of the fixture's modules, loaded once its code is generated. */
type Documents = Record<string, DocumentNode>;

interface Tags {
  createClient(uri: string, token: string): ApolloClient;
  allTags(
    client: ApolloClient,
    repository: { namespace: string; name: string },
    orderBy: TagOrder,
    pageSize: number,
  ): Promise<{ rows: { id: string; name: string }[]; totalCount: number; pages: number }>;
}

let h: Harness;
let generated: ToolRun;
let documents: Documents;
let tags: Tags;

beforeAll(async () => {
  h = await startHarness();
  generated = await generateCodegenApp(h.url);
  documents = (await import(join(CODEGEN_APP, 'src', 'documents.ts'))) as Documents;
  tags = (await import(join(CODEGEN_APP, 'src', 'tags.ts'))) as Tags;
}, 120_000);

afterAll(async () => {
  await h.close();
});

test('graphql-codegen generates the typed documents, and tsc accepts the fixture with them', async () => {
  expect(generated.output).not.toMatch(/error|fail/i);
  // tsc also fails when a line the generated types should refuse compiles
  // (src/typed-documents.check.ts).
  const checked = await typecheck(CODEGEN_APP);
  expect(checked.output).toBe('');
}, 120_000);

test('each operation is persisted under the SHA-256 of its text, the hash its typed document carries', async () => {
  const schema = buildSchema(await servedSchema(h.url));
  const persisted = JSON.parse(
    await readFile(join(CODEGEN_APP, 'src', 'gql', 'persisted-documents.json'), 'utf8'),
  ) as Record<string, string>;
  const names = Object.values(persisted).map((text) => /(query|mutation) (\w+)/.exec(text)?.[2]);
  expect(names.sort()).toEqual(['DeleteTag', 'NamespaceRepositories', 'Node', 'RepositoryTags']);
  for (const [id, text] of Object.entries(persisted)) {
    expect(id).toBe(`sha256:${createHash('sha256').update(text).digest('hex')}`);
  }
  const operations = Object.entries(documents).filter(([name]) => name.endsWith('Document'));
  expect(operations).toHaveLength(4);
  for (const [, document] of operations) {
    const { hash } = (document as { __meta__?: { hash?: string } }).__meta__ ?? {};
    const text = persisted[hash ?? ''];
    if (text === undefined) throw new Error(`no persisted document for ${print(document)}`);
    // The persisted text is the typed document's operation (normalized), valid for the gateway.
    const operation = (definitions: DocumentNode['definitions']) =>
      definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    expect(operation(parse(text).definitions)?.name?.value).toBe(
      operation(document.definitions)?.name?.value,
    );
    expect(validate(schema, parse(text))).toEqual([]);
  }
});

describe('the fixture pages with Apollo Client and the typed documents', () => {
  test.each(ORDERS)('every tag of library/nginx, $field $direction', async (orderBy) => {
    const console = spyOnConsole();
    const client = tags.createClient(h.url, DEMO_TOKEN);
    const names = expectedNames('library', 'nginx', orderBy);
    const result = await tags.allTags(client, { namespace: 'library', name: 'nginx' }, orderBy, 20);
    expect({ order: orderLabel(orderBy), names: result.rows.map((row) => row.name) }).toEqual({
      order: orderLabel(orderBy),
      names,
    });
    expect(new Set(result.rows.map((row) => row.id)).size).toBe(names.length);
    expect(result).toMatchObject({ totalCount: names.length, pages: Math.ceil(names.length / 20) });
    expect(console.messages()).toEqual([]);
    console.restore();
  });
});
