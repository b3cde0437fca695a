import { readFileSync } from 'node:fs';
import {
  defaultExtractPersistedOperationId,
  usePersistedOperations,
} from '@graphql-yoga/plugin-persisted-operations';
import { GraphQLError, Source, parse, validate, type GraphQLSchema } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { ConfigError } from '../config-error';
import { recordOf, type ServerContext } from './request-record';
import { requestError } from './request-errors';

/**
 * Trusted documents (persisted operations): the documents front ends were built with, by id.
 * With a manifest, `/graphql` runs those and refuses document text, unless told otherwise.
 */

/** Document text by id (without a `sha256:` prefix). */
export type TrustedDocuments = ReadonlyMap<string, string>;

const SHA256_PREFIX = 'sha256:';
/** How much of an unknown id the access log keeps. */
const LOGGED_ID_LENGTH = 128;

/** An id as the manifest keys it: the GraphQL-over-HTTP `sha256:` prefix is optional. */
function manifestKey(id: string): string {
  return id.startsWith(SHA256_PREFIX) ? id.slice(SHA256_PREFIX.length) : id;
}

/**
 * The manifest's entries: a JSON object of id → text, as relay-compiler's `persistConfig` and
 * codegen's client preset write it, or Apollo's persisted-query manifest
 * (`{ format: "apollo-persisted-query-manifest", operations: [{ id, body }] }`).
 */
function entriesOf(manifest: unknown): [string, unknown][] | null {
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) return null;
  const { format, operations } = manifest as { format?: unknown; operations?: unknown };
  if (format !== 'apollo-persisted-query-manifest') return Object.entries(manifest);
  if (!Array.isArray(operations)) return null;
  return operations.map((operation: unknown, index) => {
    const { id, body } = (operation ?? {}) as { id?: unknown; body?: unknown };
    return [typeof id === 'string' ? id : `operations[${index}]`, body];
  });
}

/** What is wrong with one document, or null: it must parse and validate against the schema. */
function documentProblem(text: unknown, schema: GraphQLSchema): string | null {
  if (typeof text !== 'string') return 'is not a string of GraphQL';
  let errors: readonly GraphQLError[];
  try {
    errors = validate(schema, parse(new Source(text)));
  } catch (error) {
    return `does not parse: ${error instanceof Error ? error.message : String(error)}`;
  }
  return errors.length === 0
    ? null
    : `does not validate: ${errors.map((e) => e.message).join(' ')}`;
}

/**
 * Reads and checks the manifest at `path`: a file that is not JSON, or any document that does
 * not validate against `schema`, stops the start with the entries named.
 */
export function loadTrustedDocuments(path: string, schema: GraphQLSchema): TrustedDocuments {
  const fail = (problem: string): never => {
    throw new ConfigError([`PERSISTED_DOCUMENTS (${path}): ${problem}`]);
  };
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    fail(error instanceof SyntaxError ? `not valid JSON: ${error.message}` : String(error));
  }
  const entries = entriesOf(manifest) ?? fail('must be a JSON object of id → document text');
  const documents = new Map<string, string>();
  const problems: string[] = [];
  for (const [id, text] of entries) {
    const problem = documentProblem(text, schema);
    const key = manifestKey(id);
    if (problem !== null) problems.push(`PERSISTED_DOCUMENTS (${path}): entry "${id}" ${problem}`);
    else if (documents.has(key) && documents.get(key) !== text) {
      problems.push(`PERSISTED_DOCUMENTS (${path}): entry "${id}" has two different documents`);
    } else documents.set(key, text as string);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return documents;
}

/** The params of a request that names a document instead of sending it. */
type DocumentParams = GraphQLParams & { documentId?: unknown; doc_id?: unknown };

/**
 * The id a request names: `documentId` (GraphQL over HTTP), `doc_id` (Relay's usual name),
 * or Apollo's `extensions.persistedQuery.sha256Hash`; in the body, or in the URL of a GET.
 */
function requestedId(params: DocumentParams, request: Request): string | null {
  const query = request.method === 'GET' ? new URL(request.url).searchParams : null;
  const candidates: unknown[] = [
    params.documentId,
    params.doc_id,
    query?.get('documentId'),
    query?.get('doc_id'),
    defaultExtractPersistedOperationId(params, request, {}),
  ];
  const id = candidates.find((candidate) => typeof candidate === 'string' && candidate !== '');
  return typeof id === 'string' ? id : null;
}

/** The params yoga accepts beside its own, so that they never count as unexpected. */
export const DOCUMENT_ID_PARAMS = ['documentId', 'doc_id'];

/** Runs trusted documents by id and refuses text (unless `allowText`); neither asks SWR anything. */
export function useTrustedDocuments(
  documents: TrustedDocuments,
  allowText: boolean,
): Plugin<ServerContext> {
  return usePersistedOperations<ServerContext>({
    allowArbitraryOperations: allowText,
    extractPersistedOperationId: (params, request) => requestedId(params, request),
    getPersistedOperation(id, _request, context) {
      const text = documents.get(manifestKey(id)) ?? null;
      const record = recordOf(context);
      if (record) record.document = { id: id.slice(0, LOGGED_ID_LENGTH), known: text !== null };
      return text;
    },
    customErrors: {
      persistedQueryOnly: () =>
        requestError(
          'PERSISTED_QUERY_ONLY',
          'Only trusted documents run here: send the `documentId` of a document the front end was built with, not its text.',
          400,
        ),
      notFound: () =>
        requestError('PERSISTED_QUERY_NOT_FOUND', 'No trusted document has this id.', 404),
      keyNotFound: () =>
        requestError(
          'BAD_REQUEST',
          'Send the `documentId` of a trusted document (or `doc_id`, or Apollo’s `extensions.persistedQuery.sha256Hash`).',
          400,
          true,
        ),
    },
  });
}
