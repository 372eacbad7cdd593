/** One jest run for the whole workspace: unit tests need nothing, integration tests need the
 * real RabbitMQ and Postgres on 127.0.0.1 (each test file makes its own vhost and database). */
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const common = { transform, testEnvironment: 'node', setupFiles: ['<rootDir>/jest.setup.js'] };
module.exports = {
  testTimeout: 60_000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/scripts/jest-summary.js'],
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,packages}/*/test/unit/**/*.test.ts', '<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/{apps,packages}/*/test/integration/**/*.test.ts',
        '<rootDir>/test/e2e/**/*.test.ts',
      ],
    },
  ],
};
