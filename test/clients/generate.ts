/**
 * The front-end fixtures built as a team builds them, against the schema the gateway serves:
 * the schema is read by introspection over HTTP and printed, relay-compiler compiles the Relay
 * app (`relay-app/`), graphql-codegen's client preset generates the typed documents of the
 * codegen app (`codegen-app/`), and tsc checks each fixture with what was generated. Everything
 * is written into the fixtures' git-ignored folders during the test run, so nothing generated is
 * committed, and nothing can be stale.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  buildClientSchema,
  getIntrospectionQuery,
  printSchema,
  type IntrospectionQuery,
} from 'graphql';
import { ROOT } from '../support/process';

const run = promisify(execFile);

export const RELAY_APP = join(__dirname, 'relay-app');
export const CODEGEN_APP = join(__dirname, 'codegen-app');

/** The SDL of the schema served at `url`, as a client tool sees it through introspection. */
export async function servedSchema(url: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query: getIntrospectionQuery() }),
  });
  const body = (await response.json()) as { data?: IntrospectionQuery; errors?: unknown };
  if (!body.data) throw new Error(`introspection failed: ${JSON.stringify(body.errors)}`);
  return printSchema(buildClientSchema(body.data));
}

/** What a tool that succeeded wrote, colours removed. */
export interface ToolRun {
  output: string;
}

/** Runs a Node.js tool without blocking this process, which may be serving it (introspection). */
async function tool(
  file: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<ToolRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [file, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    // eslint-disable-next-line no-control-regex
    return { output: `${stdout}${stderr}`.replace(/\x1b\[[0-9;]*m/g, '') };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}:\n${stdout}${stderr}`);
  }
}

export interface RelayApp extends ToolRun {
  /** relay-compiler's persisted documents: document id → document text. */
  persistedDocuments: Record<string, string>;
  /** The compiled artifact named `name` (`RepositoryTagsQuery`, `TagDetails_tag`…). */
  artifact<T>(name: string): Promise<T>;
}

/**
 * Writes the served schema where relay.config.json expects it and runs relay-compiler with that
 * configuration, into an empty artifact directory and an empty persisted-documents file (the
 * compiler adds to the file it finds, and needs both to exist). `app` is the fixture's folder.
 */
export async function compileRelayApp(url: string, app = RELAY_APP): Promise<RelayApp> {
  const artifacts = join(app, 'src', '__generated__');
  const persisted = join(app, 'persisted-documents.json');
  await mkdir(join(app, 'schema'), { recursive: true });
  await writeFile(join(app, 'schema', 'gateway.graphql'), await servedSchema(url));
  await rm(artifacts, { recursive: true, force: true });
  await mkdir(artifacts, { recursive: true });
  await writeFile(persisted, '{}\n');
  const compiled = await tool(
    join(ROOT, 'node_modules', 'relay-compiler', 'cli.js'),
    ['relay.config.json'],
    app,
  );
  const persistedDocuments = JSON.parse(await readFile(persisted, 'utf8')) as Record<
    string,
    string
  >;
  return {
    ...compiled,
    persistedDocuments,
    artifact: async <T>(name: string) =>
      ((await import(join(artifacts, `${name}.graphql.ts`))) as { default: T }).default,
  };
}

/**
 * Runs graphql-codegen with the codegen app's codegen.ts against the gateway at `url` (the
 * schema read by introspection, as the configuration says), into an empty `src/gql/`.
 */
export async function generateCodegenApp(url: string): Promise<ToolRun> {
  await rm(join(CODEGEN_APP, 'src', 'gql'), { recursive: true, force: true });
  return tool(
    join(ROOT, 'node_modules', '@graphql-codegen', 'cli', 'esm', 'bin.js'),
    ['--config', 'codegen.ts'],
    CODEGEN_APP,
    { SWR_GATEWAY_URL: url },
  );
}

/** Runs tsc over a fixture's own tsconfig.json, which includes what was generated for it. */
export function typecheck(fixture: string): Promise<ToolRun> {
  return tool(
    join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
    ['-p', '.', '--noEmit'],
    fixture,
  );
}
