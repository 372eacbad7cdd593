/**
 * Masks an IP address for a list view: enough to recognise a network, not the exact address.
 * IPv4 keeps its first two octets (211.234.*.*), IPv6 its first three groups (2001:db8:85a3:…).
 */
export function maskIp(ip: string): string {
  const v4 = /^(.*?)(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(ip);
  if (v4) return `${v4[1]}${v4[2]}.${v4[3]}.*.*`;
  if (ip.includes(':')) {
    const head = ip.split('::')[0]!.split(':').filter(Boolean).slice(0, 3);
    return head.length ? `${head.join(':')}:…` : '::…';
  }
  return '*';
}
