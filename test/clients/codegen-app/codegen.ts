import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for a TypeScript front end, generated from the schema the gateway serves
 * (read by introspection; `SWR_GATEWAY_URL` names the gateway), with the SHA-256 of each
 * document for persisted (trusted) documents.
 */
const config: CodegenConfig = {
  schema: process.env.SWR_GATEWAY_URL ?? 'http://localhost:4000/graphql',
  documents: ['src/**/*.ts', '!src/gql/**/*'],
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: { unmaskFunctionName: 'getFragmentData' },
        persistedDocuments: { hashAlgorithm: 'sha256' },
      },
      config: {
        scalars: { DateTime: 'string', BigInt: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
