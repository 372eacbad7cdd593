import { decodeCursor, encodeCursor } from '../../src/domain/cursor';

describe('history page cursors', () => {
  const position = {
    loggedInAt: new Date('2026-11-20T09:15:00.123Z'),
    id: '6f1c2c36-1f59-4ad4-9a5a-0b4e3e3b2a10',
  };

  test('when a position is encoded, then it decodes to the same position and uses only URL-safe characters', () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  test.each([
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['too long', 'A'.repeat(201)],
    ['not JSON', Buffer.from('{').toString('base64url')],
    ['an object', Buffer.from('{"t":"x"}').toString('base64url')],
    [
      'three entries',
      Buffer.from(JSON.stringify([position.loggedInAt.toISOString(), position.id, 1])).toString('base64url'),
    ],
    [
      'a date without milliseconds',
      Buffer.from(JSON.stringify(['2026-11-20T09:15:00Z', position.id])).toString('base64url'),
    ],
    [
      'an impossible date',
      Buffer.from(JSON.stringify(['2026-02-30T09:15:00.000Z', position.id])).toString('base64url'),
    ],
    [
      'an upper-case id',
      Buffer.from(JSON.stringify([position.loggedInAt.toISOString(), position.id.toUpperCase()])).toString(
        'base64url',
      ),
    ],
  ])('when a cursor is %s, then it is rejected', (_what, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });
});
