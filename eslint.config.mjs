import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

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
  { files: ['**/*.mjs', '**/*.cjs', '**/*.js'], ...tseslint.configs.disableTypeChecked },
  // The codegen app imports the code generated for it in the tests, which tsc checks there.
  { files: ['test/clients/codegen-app/**'], ...tseslint.configs.disableTypeChecked },
  prettier,
);
