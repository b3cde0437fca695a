/**
 * Requests to the gateway over HTTP with `fetch`, and reading their answers: the one `post` and
 * the one `onlyError` of the test suites.
 */

export interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: GraphQLError[];
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  ms: number;
}

/** Posts `body` (JSON unless a string) as a GraphQL-over-HTTP client does. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    ms: performance.now() - started,
  };
}

/** The body of an answer as GraphQL's response shape; fails when it is not JSON. */
export function json(answer: Answer): GraphQLBody {
  return JSON.parse(answer.text) as GraphQLBody;
}

/** The only error of an answer (or of its parsed body); fails when there is not exactly one. */
export function onlyError(
  answer: Answer | { data?: unknown; errors?: readonly GraphQLError[] },
): GraphQLError {
  const body = 'text' in answer ? json(answer) : answer;
  expect(body.errors).toHaveLength(1);
  const error = body.errors?.[0];
  if (!error) throw new Error(`no error in ${JSON.stringify(body).slice(0, 500)}`);
  return error;
}
