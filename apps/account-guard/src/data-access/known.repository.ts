import type { Executor } from './db';

/**
 * The devices (their deviceKey) the players of these accounts confirmed with "it was me"
 * (SPEC §8), among the keys asked about, by account id. One query.
 */
export async function knownDevicesOf(
  db: Executor,
  accountIds: string[],
  deviceKeys: string[],
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (accountIds.length === 0 || deviceKeys.length === 0) return out;
  const rows = await db
    .selectFrom('known_device')
    .select(['account_id', 'device_key'])
    .where('account_id', 'in', accountIds)
    .where('device_key', 'in', deviceKeys)
    .execute();
  for (const r of rows) addTo(out, r.account_id, r.device_key);
  return out;
}

/** The ASNs the players of these accounts confirmed, among those asked about, by account id. One query. */
export async function knownNetworksOf(
  db: Executor,
  accountIds: string[],
  asns: number[],
): Promise<Map<string, Set<number>>> {
  const out = new Map<string, Set<number>>();
  if (accountIds.length === 0 || asns.length === 0) return out;
  const rows = await db
    .selectFrom('known_network')
    .select(['account_id', 'asn'])
    .where('account_id', 'in', accountIds)
    .where('asn', 'in', asns)
    .execute();
  for (const r of rows) addTo(out, r.account_id, r.asn);
  return out;
}

function addTo<T>(map: Map<string, Set<T>>, key: string, value: T): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}
