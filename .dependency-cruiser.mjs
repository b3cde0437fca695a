/**
 * Folder cycles: no folder of src/ imports a folder that imports it back, however indirectly.
 * The arrows themselves (which layer may import which) are ESLint's import/no-restricted-paths
 * in eslint.config.mjs; this only sees what ESLint cannot: a cycle through several folders.
 */
export default {
  forbidden: [
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment: 'A folder of src/ imports a folder that imports it back.',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
