// Lints the panel (src/) and the client (packages/chat-client/src/) with type information, so that
// promises nobody awaits and unsafe `any` flows are caught, not only style.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const SOURCES = ['src/**/*.{ts,tsx}', 'packages/chat-client/src/**/*.ts'];

export default tseslint.config(
  {
    ignores: ['lib/**', 'mooring_jupyterlab/**', 'packages/*/lib/**', '**/node_modules/**', '.venv/**', 'ui-tests/**',
      'src/__tests__/**', 'packages/*/test/**', '**/*.config.*', 'packages/*/scripts/**']
  },
  ...[js.configs.recommended, ...tseslint.configs.recommendedTypeChecked].map((config) => ({ ...config, files: SOURCES })),
  {
    files: SOURCES,
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
    },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart']
    }
  },
  {
    // The client reads like prose: strict equality (no 'smart' exception), and no double casts that defeat the types.
    files: ['packages/chat-client/src/**/*.ts'],
    rules: {
      eqeqeq: ['error', 'always'],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSAsExpression > TSAsExpression.expression', message: 'no casts through another type (as unknown as)' }
      ]
    }
  }
);
