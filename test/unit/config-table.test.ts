/**
 * The README's configuration table is the settings' definitions, rendered: every variable
 * loadConfig reads, with its default and meaning, and nothing else. After changing a setting,
 * `UPDATE_CONFIG_TABLE=1 npx jest test/unit/config-table.test.ts` writes the table anew.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS, loadConfig, type Setting } from '../../src/config';
import { ROOT } from '../support/process';

const README = join(ROOT, 'README.md');
const HEADER = ['variable', 'default', 'meaning'];

function cells(definition: Setting<unknown>): string[] {
  const shown = definition.shownDefault ?? `\`${String(definition.default)}\``;
  return [`\`${definition.name}\``, shown, definition.description];
}

/** Characters as Prettier counts a cell's width. */
function width(cell: string): number {
  return Array.from(cell).length;
}

/** A Markdown table with Prettier's padding, so that `prettier --check` accepts it as written. */
function render(rows: string[][]): string {
  const widths = HEADER.map((_, column) =>
    Math.max(...[HEADER, ...rows].map((row) => width(row[column] ?? ''))),
  );
  const line = (row: string[]): string =>
    `| ${row.map((cell, column) => cell.padEnd((widths[column] ?? 0) + cell.length - width(cell))).join(' | ')} |`;
  const rule = `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`;
  return [line(HEADER), rule, ...rows.map(line)].join('\n');
}

/** The README's table under "## Configuration": its first table there. */
function tableSpan(readme: string): { start: number; end: number } {
  const section = readme.indexOf('\n## Configuration\n');
  if (section < 0) throw new Error('README.md has no "## Configuration" section');
  const start = readme.indexOf('\n| variable ', section) + 1;
  if (start === 0) throw new Error('the Configuration section has no table');
  const end = readme.indexOf('\n\n', start);
  return { start, end: end < 0 ? readme.length : end };
}

function readmeRows(readme: string): string[][] {
  const { start, end } = tableSpan(readme);
  return readme
    .slice(start, end)
    .split('\n')
    .slice(2)
    .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| ?| ?\|$/g, '').trim()));
}

const definitions: Setting<unknown>[] = Object.values(SETTINGS);

test('the README lists every setting with the default and meaning of its definition', () => {
  let readme = readFileSync(README, 'utf8');
  if (process.env.UPDATE_CONFIG_TABLE === '1') {
    const { start, end } = tableSpan(readme);
    readme = readme.slice(0, start) + render(definitions.map(cells)) + readme.slice(end);
    writeFileSync(README, readme);
  }
  expect(readmeRows(readme)).toEqual(definitions.map(cells));
});

test('each variable is defined once', () => {
  const names = definitions.map((definition) => definition.name);
  expect(new Set(names).size).toBe(names.length);
});

/** The configuration as one flat record, keyed as SETTINGS is. */
function flat(env: Record<string, string>): Record<string, unknown> {
  const { limits, swrVariants, tagEvents, ...rest } = loadConfig(env);
  return {
    ...rest,
    ...limits,
    ...swrVariants,
    tagEventsIntervalMs: tagEvents.intervalMs,
    tagEventsMaxSubscriptionsPerToken: tagEvents.maxSubscriptionsPerToken,
    tagEventsMaxWatchers: tagEvents.maxWatchers,
  };
}

test('loadConfig with nothing set gives every definition its default', () => {
  const read = flat({});
  for (const [key, definition] of Object.entries(SETTINGS)) {
    if (key === 'nodeEnv') continue;
    expect([definition.name, read[key]]).toEqual([definition.name, definition.default]);
  }
  expect(read.blockFieldSuggestions).toBe(false);
  expect(flat({ NODE_ENV: 'production' }).blockFieldSuggestions).toBe(true);
});

test('loadConfig reads each whole-number setting from its variable, and names it when out of range', () => {
  for (const [key, definition] of Object.entries(SETTINGS) as [string, Setting<unknown>][]) {
    const probe: string[] = [];
    definition.parse('x', definition.name, probe);
    if (!probe.some((problem) => problem.includes('must be a whole number'))) continue;
    const fallback = typeof definition.default === 'number' ? definition.default : 0;
    // REQUEST_TIMEOUT_MS must stay above KEEP_ALIVE_TIMEOUT_MS, and SUBGRAPH_PORT apart from PORT.
    const others: Record<string, string> =
      definition.name === 'REQUEST_TIMEOUT_MS' ? {} : { REQUEST_TIMEOUT_MS: '3600000' };
    expect([
      definition.name,
      flat({ ...others, [definition.name]: String(fallback + 1) })[key],
    ]).toEqual([definition.name, fallback + 1]);
    expect(() => loadConfig({ [definition.name]: '-1.5' })).toThrow(
      new RegExp(
        `\\n  - ${definition.name} must be a whole number from \\d+ to \\d+, not "-1\\.5"$`,
      ),
    );
  }
});
