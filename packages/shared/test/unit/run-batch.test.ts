import pino from 'pino';
import { runBatch, BatchSteps } from '../../src/batch/run-batch';

const logger = pino({ level: 'silent' });
interface Item {
  id: string;
  bad?: 'prepare' | 'commit';
}

function steps(over: Partial<BatchSteps<Item, Item, string>> = {}) {
  const commits: string[][] = [];
  const s: BatchSteps<Item, Item, string> = {
    prepare: (item) => {
      if (item.bad === 'prepare') throw new Error(`cannot read ${item.id}`);
      return { key: item.id, value: item };
    },
    commit: async (values) => {
      commits.push(values.map((v) => v.id));
      if (values.some((v) => v.bad === 'commit')) throw new Error('violates a constraint');
      return new Map(values.map((v) => [v.id, `done:${v.id}`]));
    },
    toError: (err) => (err instanceof Error ? err : new Error(String(err))),
    isTransient: (err) => (err as Error).message === 'database down',
    logger,
    what: 'tested',
    ...over,
  };
  return { s, commits };
}

describe('runBatch', () => {
  test('when the same key arrives twice, then it is committed once and both items share the result', async () => {
    const { s, commits } = steps();
    const after: string[] = [];
    const errors = await runBatch([{ id: 'a' }, { id: 'b' }, { id: 'a' }], {
      ...s,
      afterCommit: async (entries) => {
        after.push(...entries.map((e) => `${e.key}=${e.result}`));
        return new Map([['a', new Error('publish failed')]]);
      },
    });
    expect(commits).toEqual([['a', 'b']]);
    expect(after).toEqual(['a=done:a', 'b=done:b']);
    expect(errors.map((e) => e?.message)).toEqual(['publish failed', undefined, 'publish failed']);
  });

  test('when an item cannot be prepared, then it fails alone and is not committed', async () => {
    const { s, commits } = steps();
    const errors = await runBatch([{ id: 'a', bad: 'prepare' }, { id: 'b' }], s);
    expect(commits).toEqual([['b']]);
    expect(errors.map((e) => e?.message)).toEqual(['cannot read a', undefined]);
  });

  test('when the batch transaction fails on one item, then the items are committed one by one and only that one fails', async () => {
    const { s, commits } = steps();
    const errors = await runBatch([{ id: 'a' }, { id: 'b', bad: 'commit' }, { id: 'c' }], s);
    expect(commits).toEqual([['a', 'b', 'c'], ['a'], ['b'], ['c']]);
    expect(errors.map((e) => e?.message)).toEqual([undefined, 'violates a constraint', undefined]);
  });

  test('when the database is down, then every item fails with no one-by-one attempt', async () => {
    const { s, commits } = steps({
      commit: async (values) => {
        commits.push(values.map((v) => v.id));
        throw new Error('database down');
      },
    });
    const errors = await runBatch([{ id: 'a' }, { id: 'b' }], s);
    expect(commits).toEqual([['a', 'b']]);
    expect(errors.map((e) => e?.message)).toEqual(['database down', 'database down']);
  });

  test('when a committed key is failed by the fallback, then its follow-ups are not run', async () => {
    const { s } = steps();
    const seen: string[] = [];
    await runBatch([{ id: 'a' }, { id: 'b', bad: 'commit' }], {
      ...s,
      afterCommit: async (entries) => {
        seen.push(...entries.map((e) => e.key));
        return new Map();
      },
    });
    expect(seen).toEqual(['a']);
  });

  test('when every item fails to prepare, then nothing is committed', async () => {
    const { s, commits } = steps();
    const errors = await runBatch([{ id: 'a', bad: 'prepare' }], s);
    expect(commits).toEqual([]);
    expect(errors[0]?.message).toBe('cannot read a');
  });
});
