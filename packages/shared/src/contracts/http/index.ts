export * from './error.v1';
export * from './history.v1';
export * from './protection.v1';
