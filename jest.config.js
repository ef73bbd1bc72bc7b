/**
 * Jest: unit specs beside the code (src/**\/*.spec.ts), integration and e2e specs in test/.
 * Specs are transpiled only (tsconfig.spec.json); `npm run typecheck` type-checks them.
 * Everything runs against the real PostgreSQL, Redis and MariaDB of the machine.
 */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.spec.json', diagnostics: false }],
    // ES-module-only packages (double-metaphone): Node 24 require()s them, Jest's own loader needs them compiled.
    '/node_modules/double-metaphone/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs' }, diagnostics: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!double-metaphone/)'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  testTimeout: 120000,
  maxWorkers: 1,
  // A handle a spec forgot to close must never hold CI past its deadline: exit once the run is over.
  // `npm run test:handles` (--detectOpenHandles) names such handles.
  forceExit: true,
};
