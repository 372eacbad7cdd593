/**
 * `pnpm replay --from ISO --to ISO [--settings FILE] [--json] [--history URL] [--token T]
 * [--max-memory-logins N] [--page-size N]` (SPEC §10): what account-guard would have decided
 * over a window of stored logins with the current settings (this process's environment, as
 * config.ts reads it) or those a settings file overrides, and how that differs from what it did
 * decide. Reads the logins from login-history's export route and account-guard's own database;
 * writes nothing, publishes nothing. Progress goes to stderr, the report to stdout.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';
import { createDb, loadConfig } from '@account-security/shared';
import { z } from 'zod';
import { SERVICE_NAME } from '../src/config';
import type { DB } from '../src/data-access/db';
import { formatReport } from './replay/format';
import { runReplay } from './replay/run';
import { SettingsFileError, parseSettingsFile, replaySettings } from './replay/settings';
import { databaseConfigShape } from '@account-security/shared';

const USAGE =
  'usage: pnpm replay --from ISO --to ISO [--settings FILE] [--json] [--history URL] [--token T] [--max-memory-logins N] [--page-size N]';

class UsageError extends Error {}

const iso = (name: string, v: string | undefined) => {
  if (!v || !z.iso.datetime({ offset: true }).safeParse(v).success)
    throw new UsageError(`--${name} must be an ISO time such as 2026-11-20T00:00:00Z`);
  return new Date(v).toISOString();
};
const int = (name: string, v: string | undefined, dflt: number, min: number, max: number) => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  return n;
};

/** A token for login-history's export: --token, REPLAY_TOKEN, or a `service` one signed with the shared secret. */
function tokenFor(given: string | undefined, env: NodeJS.ProcessEnv): string {
  const token = given ?? env.REPLAY_TOKEN;
  if (token) return token;
  const devSecretFile = path.resolve(__dirname, '../../../.tmp/dev-auth-secret');
  const secret =
    env.LOGIN_HISTORY_AUTH_JWT_SECRET ||
    env.AUTH_JWT_SECRET ||
    (existsSync(devSecretFile) ? readFileSync(devSecretFile, 'utf8').trim() : undefined);
  if (!secret)
    throw new UsageError(
      '--token (or REPLAY_TOKEN, or AUTH_JWT_SECRET to sign one) is required to read the export',
    );
  return jwt.sign({ roles: ['service'] }, secret, {
    subject: 'account-guard/replay',
    expiresIn: '1h',
    algorithm: 'HS256',
  });
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      settings: { type: 'string' },
      json: { type: 'boolean', default: false },
      history: { type: 'string' },
      token: { type: 'string' },
      'max-memory-logins': { type: 'string' },
      'page-size': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const from = iso('from', values.from);
  const to = iso('to', values.to);
  if (Date.parse(from) >= Date.parse(to)) throw new UsageError('--to must be later than --from');
  const maxExamples = int('max-memory-logins', values['max-memory-logins'], 20, 0, 100_000);
  const pageSize = int('page-size', values['page-size'], 1000, 1, 10_000);

  let overrides: Record<string, string> = {};
  let settingsSource = 'current (this environment)';
  if (values.settings) {
    const file = values.settings;
    if (!existsSync(file)) throw new SettingsFileError(`${file}: no such file`);
    overrides = parseSettingsFile(readFileSync(file, 'utf8'), file);
    settingsSource = `file ${file} over the current`;
  }
  const settings = replaySettings(env, overrides, values.settings);
  const { DATABASE_URL } = loadConfig(SERVICE_NAME, databaseConfigShape('account_guard'), env);
  const historyUrl = values.history ?? env.LOGIN_HISTORY_URL ?? 'http://127.0.0.1:3002';
  const token = tokenFor(values.token, env);

  const db = createDb<DB>(DATABASE_URL, { max: 2, applicationName: `${SERVICE_NAME}-replay` });
  const started = Date.now();
  let lastProgress = 0;
  try {
    const report = await runReplay({
      source: { url: historyUrl, token, from, to, pageSize },
      db,
      settings,
      settingsSource,
      maxExamples,
      progress: ({ logins, at }) => {
        if (Date.now() - lastProgress < 1000) return;
        lastProgress = Date.now();
        process.stderr.write(
          `replay: ${logins} logins, up to ${at} (${Math.round((Date.now() - started) / 1000)} s)\n`,
        );
      },
    });
    process.stderr.write(
      `replay: done, ${report.logins.total} logins in ${((Date.now() - started) / 1000).toFixed(1)} s, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB\n`,
    );
    process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
    return 0;
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (err: Error) => {
      const known =
        err instanceof UsageError || err instanceof SettingsFileError || err.name === 'ConfigError';
      process.stderr.write(`replay: ${err.message}\n${err instanceof UsageError ? USAGE + '\n' : ''}`);
      if (!known && process.env.DEBUG) process.stderr.write(`${err.stack}\n`);
      process.exit(known ? 2 : 1);
    },
  );
}

export { main };
