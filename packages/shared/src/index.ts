export * from './contracts';
export * from './config';
export * from './logger';
export * from './metrics';
export * from './messaging/errors';
export * from './messaging/topology';
export * from './messaging/broker';
export {
  BrokerUrlError,
  type BrokerUrls,
  brokerUserOfUrls,
  connectFirstBroker,
  parseBrokerUrls,
  vhostOf,
} from './messaging/urls';
export * from './messaging/consumer';
export * from './messaging/dead-letters';
export * from './db';
export * from './db/migrate-all';
export * from './http/errors';
export * from './http/auth';
export * from './http/app';
export * from './http/openapi';
export * from './batch/run-batch';
export * from './service';
