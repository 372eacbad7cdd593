/**
 * `pnpm broker:setup [--vhost NAME] [--file PATH]`: applies deploy/rabbitmq/definitions.json
 * (users, permissions, topic permissions, policies) to one vhost of a running broker through the
 * management HTTP API at RABBITMQ_MANAGEMENT_URL (e.g. http://admin:secret@rabbitmq:15672; for a
 * cluster, several nodes separated by commas, tried in turn when one cannot be reached).
 * Passwords come from BROKER_<USER>_PASSWORD, never from the file. Safe to run again: every call
 * sets the whole object, so a second run changes nothing and a changed file is applied as it is.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config';

export const DEFINITIONS_FILE = path.resolve(__dirname, '../../../../deploy/rabbitmq/definitions.json');

export interface Definitions {
  users: { name: string; tags?: string[] }[];
  permissions: { user: string; configure: string; write: string; read: string }[];
  topic_permissions: { user: string; exchange: string; write: string; read: string }[];
  policies: {
    name: string;
    pattern: string;
    'apply-to'?: string;
    priority?: number;
    definition: Record<string, unknown>;
  }[];
}

export function loadDefinitions(file = DEFINITIONS_FILE): Definitions {
  const d = JSON.parse(readFileSync(file, 'utf8')) as Partial<Definitions>;
  return {
    users: d.users ?? [],
    permissions: d.permissions ?? [],
    topic_permissions: d.topic_permissions ?? [],
    policies: d.policies ?? [],
  };
}

/** `ip-checker` → `BROKER_IP_CHECKER_PASSWORD`. */
export const passwordVariable = (user: string) =>
  `BROKER_${user.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_PASSWORD`;

/** Every user's password from the environment; a missing one is a ConfigError naming it. */
export function passwordsFromEnv(defs: Definitions, source: NodeJS.ProcessEnv): Map<string, string> {
  const out = new Map<string, string>();
  for (const u of defs.users) {
    const variable = passwordVariable(u.name);
    const value = source[variable];
    if (!value)
      throw new ConfigError(variable, `is required but not set (the password of broker user ${u.name})`);
    out.set(u.name, value);
  }
  return out;
}

interface ManagementNode {
  root: string;
  auth: string;
}

/**
 * RABBITMQ_MANAGEMENT_URL: one node's management API, or several nodes of a cluster separated by
 * commas. Users, permissions and policies are the cluster's, so any node applies them.
 */
function managementNodes(managementUrl: string): ManagementNode[] {
  const entries = managementUrl.split(',').map((e) => e.trim());
  return entries.map((entry, i) => {
    const which = entries.length === 1 ? '' : ` (entry ${i + 1} of ${entries.length})`;
    let base: URL;
    try {
      base = new URL(entry);
    } catch {
      throw new ConfigError('RABBITMQ_MANAGEMENT_URL', `is invalid: must be a URL${which}`);
    }
    if (!/^https?:$/.test(base.protocol)) {
      throw new ConfigError('RABBITMQ_MANAGEMENT_URL', `is invalid: must be an http(s) URL${which}`);
    }
    // fetch refuses URLs with credentials: they become a Basic authorization header.
    const auth = `Basic ${Buffer.from(
      `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`,
    ).toString('base64')}`;
    return { root: `${base.protocol}//${base.host}${base.pathname.replace(/\/$/, '')}/api`, auth };
  });
}

/**
 * A request goes to the node that answered last; a node that cannot be reached (refused, timed
 * out) is passed over for the next. An HTTP error is the cluster's answer and is not retried
 * elsewhere. Every call sets a whole object, so sending it again to another node is safe.
 */
function managementClient(managementUrl: string) {
  const nodes = managementNodes(managementUrl);
  let current = 0;
  return async (method: 'GET' | 'PUT', parts: string[], body?: unknown): Promise<unknown> => {
    const unreachable: string[] = [];
    for (let tried = 0; tried < nodes.length; tried++) {
      const node = nodes[(current + tried) % nodes.length]!;
      let res: Response;
      try {
        res = await fetch(`${node.root}/${parts.map(encodeURIComponent).join('/')}`, {
          method,
          headers: { authorization: node.auth, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
      } catch (err) {
        // The root holds no credentials: they went into the header.
        const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
        unreachable.push(`${node.root}: ${cause}`);
        continue;
      }
      current = (current + tried) % nodes.length;
      const text = await res.text();
      if (!res.ok) {
        // The path names the object; the password is never part of it.
        throw new Error(`${method} /api/${parts.join('/')} → ${res.status} ${text.slice(0, 300)}`);
      }
      return text ? JSON.parse(text) : undefined;
    }
    throw new Error(
      `${method} /api/${parts.join('/')}: no management API answered (${unreachable.join('; ')})`,
    );
  };
}

export interface SetupOptions {
  managementUrl: string;
  vhost: string;
  passwords: Map<string, string>;
  definitions?: Definitions;
}

/**
 * Makes the vhost match the file: creates it if missing, then each user (password and tags),
 * its permissions and topic permissions in this vhost, and the policies. Users are broker-wide;
 * permissions and policies belong to the vhost given here, whatever the file says.
 */
export async function applyDefinitions(o: SetupOptions): Promise<{ applied: string[] }> {
  const defs = o.definitions ?? loadDefinitions();
  const api = managementClient(o.managementUrl);
  const applied: string[] = [];
  await api('PUT', ['vhosts', o.vhost], {});
  for (const u of defs.users) {
    const password = o.passwords.get(u.name);
    if (!password) throw new ConfigError(passwordVariable(u.name), 'is required but not set');
    await api('PUT', ['users', u.name], { password, tags: (u.tags ?? []).join(',') });
    applied.push(`user ${u.name}`);
  }
  for (const p of defs.permissions) {
    await api('PUT', ['permissions', o.vhost, p.user], {
      configure: p.configure,
      write: p.write,
      read: p.read,
    });
    applied.push(`permissions ${p.user}`);
  }
  for (const t of defs.topic_permissions) {
    await api('PUT', ['topic-permissions', o.vhost, t.user], {
      exchange: t.exchange,
      write: t.write,
      read: t.read,
    });
    applied.push(`topic permissions ${t.user} on ${t.exchange}`);
  }
  for (const p of defs.policies) {
    await api('PUT', ['policies', o.vhost, p.name], {
      pattern: p.pattern,
      'apply-to': p['apply-to'] ?? 'queues',
      priority: p.priority ?? 0,
      definition: p.definition,
    });
    applied.push(`policy ${p.name}`);
  }
  return { applied };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { vhost: { type: 'string' }, file: { type: 'string' } },
  });
  const definitions = loadDefinitions(values.file ?? DEFINITIONS_FILE);
  const managementUrl = process.env.RABBITMQ_MANAGEMENT_URL || 'http://guest:guest@127.0.0.1:15672';
  const vhost = values.vhost ?? (process.env.RABBITMQ_VHOST || '/');
  const passwords = passwordsFromEnv(definitions, process.env);
  const { applied } = await applyDefinitions({ managementUrl, vhost, passwords, definitions });
  process.stdout.write(`broker-setup: vhost ${vhost}: applied ${applied.length} definitions\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`broker-setup: ${message}\n`);
    process.exit(1);
  });
}
