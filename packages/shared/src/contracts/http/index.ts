export * from './error.v1';
export * from './history.v1';
export * from './protection.v1';
export * from './feedback.v1';
export * from './support.v1';
export * from './export.v1';
