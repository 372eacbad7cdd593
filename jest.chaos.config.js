/** `pnpm test:chaos`: fault injection against the running suite; in band, since it restarts the broker. */
const base = require('./jest.config.js');
const integration = base.projects.find((p) => p.displayName === 'integration');
module.exports = {
  testTimeout: 600_000,
  maxWorkers: 1,
  // A handle a fault left behind (a reconnect timer to a killed node) must not keep the run alive.
  forceExit: true,
  reporters: base.reporters,
  projects: [{ ...integration, displayName: 'chaos', testMatch: ['<rootDir>/test/chaos/**/*.test.ts'] }],
};
