export { unlockBySupport } from './by-support';
export { inspectUnlockToken, localeOfAccount, pageStateOf, redeemUnlockToken } from './by-token';
