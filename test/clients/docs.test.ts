/**
 * The configuration docs/clients.md tells a front-end team to copy is the configuration the client
 * tests run: relay.config.json, the Relay pagination fragment, Apollo's type policies and
 * codegen.ts, compared with the fixtures' own files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, print } from 'graphql';
import { ROOT } from '../support/process';
import { CODEGEN_APP, RELAY_APP } from './generate';

const page = readFileSync(join(ROOT, 'docs', 'clients.md'), 'utf8');

/** The fenced code blocks of one section of the page, by language. */
function blocks(section: string, language: string): string[] {
  const start = page.indexOf(`\n## ${section}\n`);
  if (start < 0) throw new Error(`no docs/clients.md section "${section}"`);
  const end = page.indexOf('\n## ', start + 1);
  const text = page.slice(start, end < 0 ? undefined : end);
  return [...text.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map(
    (match) => match[1] ?? '',
  );
}

function fixture(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Source text without comments and with single spaces, for comparing code. */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The text of a top-level `export const name … };` declaration. */
function declaration(text: string, name: string): string {
  const match = new RegExp(`export const ${name}[\\s\\S]*?\\n};`).exec(text);
  if (!match) throw new Error(`no ${name}`);
  return code(match[0]);
}

test('"Using it from Relay" shows the relay.config.json and pagination fragment of the fixture', () => {
  const [config] = blocks('Using it from Relay', 'json');
  expect(JSON.parse(config ?? '')).toEqual(
    JSON.parse(fixture(join(RELAY_APP, 'relay.config.json'))),
  );
  const [fragment] = blocks('Using it from Relay', 'graphql');
  const source = fixture(join(RELAY_APP, 'src', 'RepositoryTags.ts'));
  const fixtureFragment = /graphql`(\s*fragment[\s\S]*?)`/.exec(source)?.[1] ?? '';
  expect(print(parse(fragment ?? ''))).toBe(print(parse(fixtureFragment)));
});

test('"Using it from Apollo Client and codegen" shows the type policies and codegen.ts of the fixture', () => {
  const [cache, codegen] = blocks('Using it from Apollo Client and codegen', 'ts');
  expect(declaration(cache ?? '', 'typePolicies')).toBe(
    declaration(fixture(join(CODEGEN_APP, 'src', 'cache.ts')), 'typePolicies'),
  );
  expect(code(codegen ?? '')).toBe(code(fixture(join(CODEGEN_APP, 'codegen.ts'))));
});
