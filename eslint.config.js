import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * ESLint for src, test, bench and scripts (issue 16, item 7). `npm run lint` runs it through
 * scripts/lint.ts, which holds the findings that existed when lint came in (eslint-baseline.json,
 * mostly `any`) to their counts: a file may only lose findings, new code may have none.
 */
export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'public/**', '**/*.js', '**/*.cjs', 'scripts/upgrade-fixture/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
);
