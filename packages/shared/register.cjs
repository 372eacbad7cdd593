/* global require */
// Loads TypeScript sources through tsx's require hook (`node --require <this> main.ts`): no
// loader thread beside the service, as `--import tsx` has (~35 MB of RSS per process).
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('tsx/cjs');
