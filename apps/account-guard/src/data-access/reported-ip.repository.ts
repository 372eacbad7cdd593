import { SocketAddress } from 'node:net';
import type { Executor } from './db';

/**
 * How an address is kept and looked up in reported_ip: IPv6 in its RFC 5952 text (lower case,
 * zeros compressed), an IPv4-mapped IPv6 address as its IPv4, so one address written two ways
 * by two login servers is one report.
 */
export function ipKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  let text: string;
  try {
    text = new SocketAddress({ address: ip, family: 'ipv6' }).address;
  } catch {
    return ip.toLowerCase();
  }
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  return mapped ? mapped[1]! : text;
}

export interface IpReport {
  ip: string;
  reportedAt: Date;
  accountId: string;
  loginId: string;
}

/**
 * Keeps the latest "not me" of an IP (SPEC §7 reported_ip): a newer report replaces the row, an
 * older or the same one (a redelivery) changes nothing.
 */
export async function recordIpReport(db: Executor, r: IpReport): Promise<void> {
  await db
    .insertInto('reported_ip')
    .values({ ip: ipKey(r.ip), reported_at: r.reportedAt, account_id: r.accountId, login_id: r.loginId })
    .onConflict((oc) =>
      oc
        .column('ip')
        .doUpdateSet((eb) => ({
          reported_at: eb.ref('excluded.reported_at'),
          account_id: eb.ref('excluded.account_id'),
          login_id: eb.ref('excluded.login_id'),
        }))
        .whereRef('reported_ip.reported_at', '<', 'excluded.reported_at'),
    )
    .execute();
}

/** Forgets reports older than `before` (they no longer count); how many went. */
export async function pruneIpReports(db: Executor, before: Date): Promise<number> {
  const r = await db.deleteFrom('reported_ip').where('reported_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The latest report of each of these addresses that has one, by the address as given. One query. */
export async function latestIpReports(db: Executor, ips: string[]): Promise<Map<string, Date>> {
  const out = new Map<string, Date>();
  if (ips.length === 0) return out;
  const byKey = new Map<string, string[]>();
  for (const ip of new Set(ips)) {
    const key = ipKey(ip);
    byKey.set(key, [...(byKey.get(key) ?? []), ip]);
  }
  const rows = await db
    .selectFrom('reported_ip')
    .select(['ip', 'reported_at'])
    .where('ip', 'in', [...byKey.keys()])
    .execute();
  for (const r of rows) for (const ip of byKey.get(r.ip) ?? []) out.set(ip, r.reported_at);
  return out;
}
