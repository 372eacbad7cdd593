import {
  expiredPartitions,
  monthPartition,
  parsePartitionName,
  partitionsToCover,
  retentionCutoff,
} from '../../src/domain/partitions';

describe('monthly login partitions', () => {
  test('when a time is given, then its partition is its UTC month', () => {
    expect(monthPartition(new Date('2026-11-30T23:59:59.999Z'))).toEqual({
      name: 'logins_p2026_11',
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-12-01T00:00:00Z'),
    });
    expect(monthPartition(new Date('2026-12-31T23:00:00-05:00')).name).toBe('logins_p2027_01');
  });

  test('when names are parsed, then only monthly partition names are recognised', () => {
    expect(parsePartitionName('logins_p2027_01')).toEqual(monthPartition(new Date('2027-01-10T00:00:00Z')));
    expect(parsePartitionName('logins_default')).toBeNull();
    expect(parsePartitionName('logins_p2027_13')).toBeNull();
  });

  test('when partitions to cover are listed, then they run from the cutoff month to the months ahead', () => {
    const now = new Date('2026-11-22T00:00:00Z');
    const names = partitionsToCover(retentionCutoff(now, 365), now, 2).map((p) => p.name);
    expect(names[0]).toBe('logins_p2025_11');
    expect(names[names.length - 1]).toBe('logins_p2027_01');
    expect(names).toHaveLength(15);
  });

  test('when partitions expire, then only months that end at or before the cutoff are listed, oldest first', () => {
    const cutoff = new Date('2025-11-22T00:00:00Z');
    const expired = expiredPartitions(
      ['logins_p2025_11', 'logins_default', 'logins_p2025_10', 'logins_p2025_09', 'logins_p2026_01'],
      cutoff,
    );
    expect(expired.map((p) => p.name)).toEqual(['logins_p2025_09', 'logins_p2025_10']);
    expect(
      expiredPartitions(['logins_p2025_10'], new Date('2025-11-01T00:00:00Z')).map((p) => p.name),
    ).toEqual(['logins_p2025_10']);
  });
});
