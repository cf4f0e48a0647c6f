// ESLint: typescript-eslint's recommended rules everywhere, and Microsoft's Office add-in rules
// (load before read, sync before read, isNullObject, no sync in a loop) on the one module that
// calls the Excel API. Formatting is Prettier's (npm run format), not ESLint's.
import officeAddins from 'eslint-plugin-office-addins';
import tseslint from 'typescript-eslint';

const officeRules = Object.fromEntries(
  Object.entries(officeAddins.configs.recommended[2].rules).filter(([rule]) =>
    rule.startsWith('office-addins/'),
  ),
);

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'old-build/', 'data/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    // Tests read loosely typed JSON answers.
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['addin/workbook/excel.ts'],
    plugins: { 'office-addins': officeAddins },
    rules: officeRules,
  },
);
