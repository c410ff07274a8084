import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'web/dist/**', 'bench/.out/**', 'dist/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/**', 'bench/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      // V8 keeps variables set from an array literal's destructuring boxed: `let [min, max] =
      // [Infinity, -Infinity]` made a min/max loop over a column 4x slower than two plain lets.
      'no-restricted-syntax': [
        'error',
        { selector: "VariableDeclarator[id.type='ArrayPattern'][init.type='ArrayExpression']", message: 'declare each variable on its own (`let a = 0, b = 1`): V8 keeps values destructured from an array literal boxed, and loops over them run several times slower' },
        { selector: "AssignmentExpression[left.type='ArrayPattern'][right.type='ArrayExpression']", message: 'assign each variable on its own: V8 keeps values destructured from an array literal boxed, and loops over them run several times slower' },
      ],
    },
  },
  {
    files: ['src/cli/**', 'bench/**', 'bin/**', 'examples/**'],
    rules: { 'no-console': 'off' },
  },
);
