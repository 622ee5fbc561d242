// Unit tests sit beside the code (no I/O); e2e stories boot the whole app against the real
// PostgreSQL and Redis. swc transpiles; `npm run typecheck` type-checks separately.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, keepClassNames: true, target: 'es2022' } }];

module.exports = {
  // after each run: the slowest files and tests, with the load average they ran under
  reporters: ['default', '<rootDir>/test/support/slowest-reporter.js'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform: { '^.+\\.ts$': swc },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts', '<rootDir>/src/**/*.int-spec.ts'],
      transform: { '^.+\\.ts$': swc, '^.+/content-disposition/.+\\.js$': swc },
      // @fastify/static (the OpenAPI UI) requires content-disposition, which ships only ESM
      transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/setup-timeout.ts'],
    },
  ],
};
