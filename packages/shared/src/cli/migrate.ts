/** `pnpm migrate [service…]`: see migrateAll. */
import { migrateAll } from '../db/migrate-all';

if (require.main === module) {
  migrateAll(process.argv.slice(2).length ? process.argv.slice(2) : undefined).then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`migrate: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
