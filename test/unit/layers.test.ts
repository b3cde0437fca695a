/**
 * The layers of src/ point one way. ESLint's import/no-restricted-paths holds each arrow (a copy
 * of the tree with an import the wrong way, or a function over 60 lines, fails the lint), and
 * dependency-cruiser's graph shows that no folder imports a folder that imports it back. The
 * exceptions still to clear are eslint.config.mjs's LINT_EXCEPTIONS, read from there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../support/process';

// ESLint with type information and dependency-cruiser take seconds each, more on a busy machine.
const SLOW = 300_000;

interface LintException {
  files: string[];
  mayImport?: string[];
  reason: string;
}

interface CruisedModule {
  source: string;
  dependencies: { resolved: string; coreModule: boolean }[];
}

function lintExceptions(): LintException[] {
  const script = `import('./eslint.config.mjs').then((m) => process.stdout.write(JSON.stringify(m.LINT_EXCEPTIONS)))`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(output) as LintException[];
}

/** A glob of LINT_EXCEPTIONS (a path, or `*` within one folder) as a regular expression. */
function globPattern(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${escaped}$`);
}

/** The folder a module of src/ belongs to; a file directly in src/ is a node of its own. */
function folderOf(path: string): string {
  return dirname(path) === 'src' ? path : path.split('/').slice(0, 2).join('/');
}

function exempt(exceptions: LintException[], from: string, to: string): boolean {
  return exceptions.some(
    (exception) =>
      exception.files.some((glob) => globPattern(glob).test(from)) &&
      (exception.mayImport ?? []).some((layer) => to === layer || to.startsWith(`${layer}/`)),
  );
}

function folderGraph(root: string, exceptions: LintException[]): Map<string, Set<string>> {
  const output = execFileSync(
    join(ROOT, 'node_modules', '.bin', 'depcruise'),
    ['src', '--config', '.dependency-cruiser.mjs', '--output-type', 'json'],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
  );
  const graph = new Map<string, Set<string>>();
  for (const module of (JSON.parse(output) as { modules: CruisedModule[] }).modules) {
    if (!module.source.startsWith('src/')) continue;
    const from = folderOf(module.source);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const { resolved, coreModule } of module.dependencies) {
      if (
        coreModule ||
        !resolved.startsWith('src/') ||
        exempt(exceptions, module.source, resolved)
      ) {
        continue;
      }
      const to = folderOf(resolved);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** Every cycle of folders, each as the path that closes it. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const visit = (node: string, path: string[]): void => {
    const at = path.indexOf(node);
    if (at >= 0) {
      found.push([...path.slice(at), node]);
      return;
    }
    if (done.has(node)) return;
    for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
    done.add(node);
  };
  for (const node of graph.keys()) visit(node, []);
  return found;
}

test('every exception to the layer rules gives its reason and names what it allows', () => {
  for (const exception of lintExceptions()) {
    expect(exception.reason.length).toBeGreaterThan(20);
    expect(exception.files.length).toBeGreaterThan(0);
  }
});

test(
  'no folder of src/ imports a folder that imports it back',
  () => {
    expect(cycles(folderGraph(ROOT, lintExceptions()))).toEqual([]);
  },
  SLOW,
);

describe('a copy of the tree with arrows the wrong way', () => {
  let copy = '';

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'layers-'));
    for (const entry of [
      'src',
      'eslint.config.mjs',
      '.dependency-cruiser.mjs',
      'tsconfig.json',
      'package.json',
    ]) {
      cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    // Pagination reaching up into the SWR client, and the client reaching up into the loaders.
    writeFileSync(
      join(copy, 'src', 'pagination', 'wrong-way.ts'),
      "import { MAX_INT } from '../swr/records';\n\nexport const LIMIT = MAX_INT;\n",
    );
    writeFileSync(
      join(copy, 'src', 'swr', 'wrong-way.ts'),
      "import { limitConcurrency } from '../loaders/concurrency';\n\nexport const LIMIT = limitConcurrency;\n",
    );
    // A function of 61 lines, one of 60, and an import that goes the right way.
    const fn = (name: string, lines: number): string[] => [
      `export function ${name}(): number {`,
      '  let total = MAX_INT;',
      ...Array.from({ length: lines - 4 }, (_, index) => `  total += ${index};`),
      '  return total;',
      '}',
    ];
    writeFileSync(
      join(copy, 'src', 'loaders', 'long.ts'),
      [
        "import { MAX_INT } from '../pagination/bounds';",
        '',
        ...fn('sixtyOne', 61),
        '',
        ...fn('sixty', 60),
        '',
      ].join('\n'),
    );
  });

  afterAll(() => {
    if (copy !== '') rmSync(copy, { recursive: true, force: true });
  });

  function lint(files: string[]): { file: string; rule: string | null; line: number }[] {
    const result = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', ...files],
      { cwd: copy, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
    );
    const reports = JSON.parse(result.stdout) as {
      filePath: string;
      messages: { ruleId: string | null; line: number }[];
    }[];
    return reports.flatMap((report) =>
      report.messages.map((message) => ({
        file: report.filePath.slice(copy.length + 1),
        rule: message.ruleId,
        line: message.line,
      })),
    );
  }

  test(
    'the lint fails on each import against the direction and on the 61-line function, and only there',
    () => {
      const files = ['src/pagination/wrong-way.ts', 'src/swr/wrong-way.ts', 'src/loaders/long.ts'];
      const problems = lint(files).sort((x, y) => x.file.localeCompare(y.file));
      expect(problems).toEqual([
        { file: 'src/loaders/long.ts', rule: 'max-lines-per-function', line: 3 },
        { file: 'src/pagination/wrong-way.ts', rule: 'import/no-restricted-paths', line: 1 },
        { file: 'src/swr/wrong-way.ts', rule: 'import/no-restricted-paths', line: 1 },
      ]);
    },
    SLOW,
  );

  test(
    'the folder check finds the cycle the wrong-way import closes',
    () => {
      expect(cycles(folderGraph(copy, lintExceptions()))).toContainEqual(
        expect.arrayContaining(['src/swr', 'src/loaders']),
      );
    },
    SLOW,
  );
});
