/**
 * `pnpm migrate [service…]`: creates each service's database if missing and migrates it to the
 * latest version. URLs come from <SERVICE>_DATABASE_URL, else DATABASE_URL's server with the
 * service's database name, else 127.0.0.1.
 */
import { envPrefix } from '../config';
import { createLogger } from '../logger';
import { createDb, ensureDatabase, migrateToLatest } from './index';

export const DATABASES: Record<string, string> = {
  'login-history': 'login_history',
  'account-guard': 'account_guard',
};

export function databaseUrlFor(service: string, source: NodeJS.ProcessEnv = process.env): string {
  const own = source[envPrefix(service) + 'DATABASE_URL'];
  if (own) return own;
  const base = new URL(source.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = '/' + DATABASES[service];
  return base.toString();
}

export async function migrateAll(
  services = Object.keys(DATABASES),
  source: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const logger = createLogger('migrate', source.LOG_LEVEL ?? 'info');
  for (const service of services) {
    if (!DATABASES[service])
      throw new Error(`unknown service "${service}" (known: ${Object.keys(DATABASES).join(', ')})`);
    const url = databaseUrlFor(service, source);
    if (await ensureDatabase(url)) logger.info({ service, database: DATABASES[service] }, 'database created');
    const db = createDb(url, { max: 1 });
    try {
      await migrateToLatest(db, service, logger.child({ service }));
    } finally {
      await db.destroy();
    }
  }
}
