/**
 * `pnpm start`: creates the databases if missing, migrates them, starts the three services as
 * separate processes with service-prefixed readable logs, waits until each is ready and prints
 * their URLs. Ctrl-C stops them all cleanly.
 */
import { prettyFactory } from 'pino-pretty';
import jwt from 'jsonwebtoken';
import { migrateAll } from '@account-security/shared';
import { SERVICES, WEB, adminPortOf, devAuthSecret, portOf, startSuite } from './suite';

const COLORS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m'];
const RESET = '\x1b[0m';
const tty = process.stdout.isTTY;
const ALL = [...SERVICES, WEB];

async function main() {
  const env: NodeJS.ProcessEnv = { ...process.env };
  let devSecret = false;
  if (!env.AUTH_JWT_SECRET && !env.AUTH_JWKS_URL) {
    env.AUTH_JWT_SECRET = devAuthSecret();
    devSecret = true;
  }
  env.LOG_LEVEL ??= 'info';

  console.log('Creating databases if missing and migrating…');
  await migrateAll(undefined, env);

  const width = Math.max(...ALL.map((s) => s.name.length));
  const pretty = prettyFactory({
    colorize: tty,
    ignore: 'pid,hostname,service,name',
    translateTime: 'HH:MM:ss.l',
    singleLine: true,
  });
  const onLine = (service: string, line: string) => {
    const i = ALL.findIndex((s) => s.name === service);
    const tag = `${tty ? COLORS[i % COLORS.length] : ''}${service.padEnd(width)}${tty ? RESET : ''} |`;
    let text = line;
    if (line.startsWith('{')) {
      try {
        text = pretty(JSON.parse(line)).trimEnd();
      } catch {
        /* not a log record: print as is */
      }
    }
    process.stdout.write(`${tag} ${text}\n`);
  };

  const url = (name: string) =>
    `http://127.0.0.1:${portOf(
      ALL.find((d) => d.name === name)!,
      env,
    )}`;
  // The operator listeners stay on loopback (ADMIN_HOST): printed as the address to use here.
  const adminUrl = (name: string) =>
    `http://127.0.0.1:${adminPortOf(
      ALL.find((d) => d.name === name)!,
      env,
    )}`;
  env.LOGIN_HISTORY_URL ??= url('login-history');
  env.ACCOUNT_GUARD_URL ??= url('account-guard');

  console.log('Starting services…');
  const suite = await startSuite({ env, onLine, services: ALL });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping services…');
    await suite.stop();
    console.log('All services stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  for (const p of suite.processes.values()) {
    void p.exited.then((code) => {
      if (!stopping) {
        console.error(`${p.def.name} exited unexpectedly (code ${code}); stopping the suite.`);
        void stop(1);
      }
    });
  }

  console.log('\nThe suite is ready:');
  for (const def of SERVICES) console.log(`  ${def.name.padEnd(width)}  ${url(def.name)}  (API, /readyz)`);
  console.log(`  ${'web'.padEnd(width)}  ${url('web')}  (player page; support console at /support)`);
  console.log(
    `\nOperator ports (/metrics, /healthz, /readyz; on ${env.ADMIN_HOST ?? '127.0.0.1'}, ADMIN_HOST):`,
  );
  for (const def of ALL) console.log(`  ${def.name.padEnd(width)}  ${adminUrl(def.name)}/metrics`);
  if (devSecret) {
    const sign = (sub: string, roles: string[]) =>
      jwt.sign({ roles }, env.AUTH_JWT_SECRET!, { subject: sub, expiresIn: '24h', algorithm: 'HS256' });
    console.log(
      '\nDevelopment JWT secret in .tmp/dev-auth-secret (set AUTH_JWT_SECRET or AUTH_JWKS_URL in production); these tokens last 24 h (AUTH_MAX_TOKEN_AGE): start again for new ones.',
    );
    const player = sign('acc-1', []);
    const support = sign('staff-1', ['support']);
    console.log(`  player acc-1 token:  ${player}`);
    console.log(`  support token:       ${support}`);
    console.log(`  player page:         ${url('web')}/#token=${player}`);
    console.log(`  support console:     ${url('web')}/support#token=${support}`);
  }
  console.log('\nTry: pnpm simulate --rate 50 --duration 10   (Ctrl-C here stops everything)\n');
}

main().catch((err) => {
  console.error(`start: ${(err as Error).message}`);
  process.exit(1);
});
