// Lint: typescript-eslint's recommended rules over every package's sources and tests.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', 'client/src/generated/**', '**/node_modules/**', '.data/**', '.bin/**', 'helm/**', 'k8s/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Decisions live in plain domain modules: they declare the ports they need (domain/ports.ts) and know no
    // database, NATS or Koa; data/ and messaging/ implement the ports.
    files: ['*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../*'], message: 'The domain imports only from domain/, @playbook/contract and @playbook/kit.' },
            { group: ['mongoose', 'nats', 'koa', '@koa/*', '@playbook/kit/nats', '@playbook/kit/mongo'], message: 'The domain knows no database, NATS or Koa: declare a port in domain/ports.ts.' },
          ],
        },
      ],
    },
  },
);
