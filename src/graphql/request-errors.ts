import {
  GraphQLError,
  getOperationAST,
  getVariableValues,
  type ASTVisitor,
  type DocumentNode,
  type ExecutionArgs,
  type ValidationContext,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Request errors given the code (and the status) that yoga and graphql-js leave out (README.md,
 * "Errors"): a body yoga cannot read, a GET whose `variables` are not JSON, an operation name
 * that names none, an operation type the schema has not got, variables that do not coerce, a
 * result refused before execution; and introspection, when it is switched off.
 */

/** The codes of the errors made with `requestError` (others are made where they need nodes). */
export type RequestErrorCode =
  | 'BAD_REQUEST'
  | 'OPERATION_RESOLUTION_FAILURE'
  | 'PERSISTED_QUERY_ONLY'
  | 'PERSISTED_QUERY_NOT_FOUND'
  | 'DOCUMENT_TOO_LARGE';

/**
 * An error of the request, before anything runs. `spec` follows GraphQL over HTTP: the status
 * applies under `application/graphql-response+json`, while `application/json` keeps 200.
 */
export function requestError(
  code: RequestErrorCode,
  message: string,
  status: number,
  spec = false,
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status, spec } } });
}

type RequestParseHook = NonNullable<Plugin['onRequestParse']>;
type RequestParser = NonNullable<Parameters<RequestParseHook>[0]['requestParser']>;

/** GET's `variables` and `extensions` are JSON; yoga's parser lets JSON.parse's error escape. */
function withCodedJsonErrors(parse: RequestParser): RequestParser {
  return (request) => {
    try {
      return parse(request);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw requestError(
        'BAD_REQUEST',
        'The `variables` or `extensions` parameter is not valid JSON.',
        400,
      );
    }
  };
}

/** Subscriptions (or mutations) asked of a schema without that root type. */
function knownOperationTypes(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      if (context.getSchema().getRootType(node.operation)) return;
      context.reportError(
        new GraphQLError(`The schema has no ${node.operation} type.`, {
          nodes: node,
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        }),
      );
    },
  };
}

/**
 * Introspection switched off: `__schema` and `__type`, the only ways into introspection's
 * types (`__typename` stays).
 */
function noIntrospection(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      if (node.name.value !== '__schema' && node.name.value !== '__type') return;
      context.reportError(
        new GraphQLError('Introspection is switched off on this endpoint.', {
          nodes: node,
          extensions: { code: 'INTROSPECTION_DISABLED' },
        }),
      );
    },
  };
}

/**
 * Variables that do not coerce to their types, or required ones missing: BAD_USER_INPUT. And a
 * result refused before execution (no `data`, as a query over the cost limit) is a request
 * error: GraphQL over HTTP wants a 4xx for it under `application/graphql-response+json`.
 */
function useCodedExecutionErrors(): Plugin {
  const onExecuteDone = ({ result }: { result: unknown }): void => {
    // envelop types the result loosely; without streaming it is one execution result.
    const { data, errors } = result as { data?: unknown; errors?: readonly GraphQLError[] };
    if (data !== undefined || !errors) return;
    for (const error of errors) {
      const extensions = error.extensions as { http?: { status?: number; spec?: boolean } };
      extensions.http ??= { status: 400, spec: true };
    }
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      // envelop types the arguments loosely; they are graphql-js's execution arguments.
      const { document, operationName, schema, variableValues } = args as ExecutionArgs;
      const definitions = getOperationAST(document, operationName)?.variableDefinitions;
      const errors = definitions?.length
        ? getVariableValues(schema, definitions, variableValues ?? {}, { maxErrors: 20 }).errors
        : undefined;
      if (errors) {
        setResultAndStopExecution({
          errors: errors.map(
            (error) =>
              new GraphQLError(error.message, {
                nodes: error.nodes,
                extensions: { code: 'BAD_USER_INPUT', http: { status: 400, spec: true } },
              }),
          ),
        });
      }
      return { onExecuteDone };
    },
  };
}

/** MAX_DOCUMENT_BYTES's default: far above any front end's document, far below a cache's worth. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 65_536;

/**
 * A document longer than the limit is refused before it is parsed or cached: parsing and the
 * caches are bounded by tokens and entries, and comments are neither.
 */
function useDocumentLengthLimit(maxDocumentBytes: number): Plugin {
  return {
    onParams({ params }) {
      const { query } = params;
      if (typeof query !== 'string' || query.length * 3 <= maxDocumentBytes) return;
      if (Buffer.byteLength(query) <= maxDocumentBytes) return;
      throw requestError(
        'DOCUMENT_TOO_LARGE',
        `The document is longer than the limit of ${maxDocumentBytes} bytes.`,
        413,
      );
    },
  };
}

export function requestErrorPlugins(options: {
  introspection: boolean;
  maxDocumentBytes: number;
}): Plugin[] {
  const parsing: Plugin = {
    onRequestParse({ request, requestParser, setRequestParser }) {
      if (request.method === 'GET' && requestParser) {
        setRequestParser(withCodedJsonErrors(requestParser));
      } else if (request.method === 'POST' && !requestParser) {
        // yoga would answer 415 with an empty body.
        throw requestError(
          'BAD_REQUEST',
          'Send the request as `Content-Type: application/json` (or application/graphql+json).',
          415,
        );
      }
    },
    onParse({ context }) {
      return ({ result }) => {
        // envelop types the result loosely; it is a document, or the parse error.
        const document = result as DocumentNode | Error | null;
        if (document === null || document instanceof Error) return;
        const named = context.params.operationName;
        if (getOperationAST(document, named)) return;
        throw requestError(
          'OPERATION_RESOLUTION_FAILURE',
          named
            ? `The document has no operation named ${JSON.stringify(named).slice(0, 100)}.`
            : 'The document has several operations (or none): name one in `operationName`.',
          400,
        );
      };
    },
    onValidate({ addValidationRule }) {
      addValidationRule(knownOperationTypes);
      if (!options.introspection) addValidationRule(noIntrospection);
    },
  };
  return [useDocumentLengthLimit(options.maxDocumentBytes), parsing, useCodedExecutionErrors()];
}
