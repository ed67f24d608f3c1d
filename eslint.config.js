// Lint for every workspace: typescript-eslint's recommended rules, plus a few that keep tests honest.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '.flotilla/**', 'agent/dist/**', 'hub/ui/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error',
        { object: 'it', property: 'skip', message: 'A skipped test proves nothing.' },
        { object: 'it', property: 'only', message: 'Focused tests hide the rest.' },
        { object: 'test', property: 'skip', message: 'A skipped test proves nothing.' },
        { object: 'test', property: 'only', message: 'Focused tests hide the rest.' },
        { object: 'describe', property: 'skip', message: 'A skipped test proves nothing.' },
      ],
    },
  },
  {
    // Tests read API answers loosely; the assertions are what check their shape.
    files: ['test/**/*.ts', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
