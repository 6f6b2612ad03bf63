/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Child-process tests load dist/: rebuilt first when lib/ is newer (test/global-setup.js).
  globalSetup: '<rootDir>/test/global-setup.js',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  // examples/ require('gumbel-torch') as a user would; tests run them against lib/ as it is.
  moduleNameMapper: { '^gumbel-torch$': '<rootDir>/lib/index.ts' },
  testTimeout: 120000,
  // Native tensors are process-global state; one worker keeps memory tests meaningful on 2 cores.
  maxWorkers: 1,
};
