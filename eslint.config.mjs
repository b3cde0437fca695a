import eslint from '@eslint/js';
import importPlugin from 'eslint-plugin-import';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * The layers of src/, top to bottom (README.md, "The layers"): a layer may import the layers
 * below it and never one above. Folders side by side in one layer (the request's loaders and the
 * process's tag watchers) import neither each other nor upward. pagination and swr share the
 * bottom; pagination imports nothing from src/ outside itself. The composition root (src/*.ts: the process, the configuration)
 * imports everything and is imported by none of the layers; observability is handed in by it
 * and imported by no layer it watches; the sandbox imports nothing of the gateway.
 */
const LAYERS = [
  'src/http',
  'src/graphql',
  'src/resolvers',
  ['src/loaders', 'src/subscriptions'],
  'src/swr',
];
const LAYER_FOLDERS = LAYERS.flat();
const ROOT_FILES = [
  'src/main.ts',
  'src/app.ts',
  'src/sandbox-main.ts',
  'src/config.ts',
  'src/config-parsers.ts',
];
const BELOW_ROOT = [...LAYER_FOLDERS, 'src/pagination', 'src/sandbox', 'src/generated'];

/**
 * Every exception to the rules below, in one place: files that still import against the
 * direction, or still hold a function over 60 lines, each with its reason. Each entry names the
 * folders or files its `files` may import against the layers (`mayImport`), or exempts them from
 * the function length (`longFunctions`). This list is to be emptied, not extended.
 */
export const LINT_EXCEPTIONS = [];

/** Zones of import/no-restricted-paths: `target` may not import `from`. */
function layerZones(mayImport = []) {
  const zones = [
    ...LAYERS.flatMap((layer, index) =>
      [layer].flat().map((target) => ({
        target,
        from: [...LAYERS.slice(0, index).flat(), ...[layer].flat().filter((at) => at !== target)],
      })),
    ),
    { target: 'src/pagination', from: 'src', except: ['./pagination'] },
    { target: 'src/sandbox', from: 'src', except: ['./sandbox'] },
    { target: BELOW_ROOT, from: ['src/observability', ...ROOT_FILES] },
    { target: [...LAYER_FOLDERS, 'src/pagination', 'src/observability'], from: 'src/sandbox' },
    { target: 'src/observability', from: ['src/graphql', 'src/resolvers', 'src/loaders'] },
  ].map((zone) => ({
    ...zone,
    from: [zone.from].flat().filter((from) => !mayImport.includes(from)),
    message: 'imports against the direction of the layers (README.md, "The layers")',
  }));
  return zones.filter((zone) => zone.from.length > 0);
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/',
      '**/dist/',
      'coverage/',
      'src/generated/',
      'test/artifacts/',
      // Written by relay-compiler and graphql-codegen in the test run (test/clients/generate.ts).
      'test/clients/relay-app/src/__generated__/',
      'test/clients/codegen-app/src/gql/',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { import: importPlugin },
    settings: { 'import/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: {
      'import/no-restricted-paths': ['error', { zones: layerZones() }],
      'max-lines-per-function': ['error', { max: 60 }],
    },
  },
  ...LINT_EXCEPTIONS.map(({ files, mayImport, longFunctions }) => ({
    files,
    rules: {
      ...(mayImport && {
        'import/no-restricted-paths': ['error', { zones: layerZones(mayImport) }],
      }),
      ...(longFunctions && { 'max-lines-per-function': 'off' }),
    },
  })),
  { files: ['**/*.mjs', '**/*.cjs', '**/*.js'], ...tseslint.configs.disableTypeChecked },
  // The codegen app imports the code generated for it in the tests, which tsc checks there.
  { files: ['test/clients/codegen-app/**'], ...tseslint.configs.disableTypeChecked },
  prettier,
);
