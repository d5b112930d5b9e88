// ESLint (flat config) over src/, test/ and bench/: typescript-eslint's recommended type-checked rules, with the
// promise rules as errors. `npm run lint:code` runs it after dependency-cruiser. Formatting is Prettier's, not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'bench/.cache/**'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits is an unhandled rejection in waiting (it crashes Node): await it, or `void` it with
      // a comment saying why nothing waits. A promise where a callback's result is ignored (an event handler, a
      // forEach) is the same bug one step removed.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // `return promise` inside try/catch/finally skips the catch and runs the finally early: await it there.
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
      // Rows from `manager.query()` / `dataSource.query()` (TypeORM types them `any`), JSON bodies in the tests and
      // parsed JSON are `any` at the boundary on purpose: the code names their shape where it reads them (SQL aliases,
      // GraphQL selections). These five rules would ask for a cast on every raw row (about 1,300 sites, 140 in src/).
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // Apollo plugin hooks and type-graphql resolvers are `async` by contract (the interfaces return promises), and
      // an async function turns a synchronous throw into a rejection, which is what callers handle.
      '@typescript-eslint/require-await': 'off',
      // graphql-js's enums (OperationTypeNode, Kind) are compared with their string values ('mutation', 'Field'),
      // and the GraphQL string enums with the text columns that store them; the values are equal by construction.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      // `const { secret: _secret, ...rest } = x` drops a field on purpose; `_args` is a parameter an interface imposes.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // type-graphql's container and NonEmptyArray<Function>, and class-validator's metadata storage, take classes
    // typed as `Function`: their APIs, not ours.
    files: ['src/schema.ts', 'src/common/validation.ts'],
    rules: { '@typescript-eslint/no-unsafe-function-type': 'off' },
  },
);
