import { CONTROL_CHARS } from '../../src/contracts/common';
import { formatJson, formatList, printable } from '../../src/cli/dlq';
import type { DeadLetter } from '../../src/messaging/dead-letters';

// What a hostile publisher can put in a dead letter: a title-setting OSC, a screen clear, a
// carriage return that hides the text before it, and a C1 CSI (U+009B) that JSON.stringify keeps raw.
const HOSTILE = '\u001b]0;owned\u0007\u001b[2Jok\rfake\u009b31m';
const letter: DeadLetter = {
  messageId: `id-${HOSTILE}`,
  type: `login.succeeded${HOSTILE}`,
  correlationId: HOSTILE,
  reason: `invalid_data${HOSTILE}`,
  error: `data.ip: bad${HOSTILE}`,
  failedAt: `2026-12-01T00:00:00Z${HOSTILE}`,
  attempts: 1,
  body: `{"x":"${HOSTILE}"}`,
};
const hasControl = (s: string) => new RegExp(CONTROL_CHARS.source).test(s);

describe('pnpm dlq output', () => {
  test('when a dead letter carries escape sequences, then the list shows them as \\xHH and emits none raw', () => {
    const out = formatList([letter]);
    const lines = out.split('\n');
    expect(lines).toHaveLength(3); // the letter, the count, the final newline
    for (const line of lines) expect(hasControl(line)).toBe(false);
    expect(lines[0]).toContain('invalid_data\\x1b]0;owned\\x07\\x1b[2Jok\\x0dfake\\x9b31m');
    expect(lines[1]).toBe('1 dead letter(s)');
  });

  test('when dead letters are shown as JSON, then no control character but the indentation newlines is emitted, and it parses to the same values', () => {
    const out = formatJson([letter]);
    expect(hasControl(out.replace(/\n/g, ''))).toBe(false);
    expect(out).toContain('\\u009b');
    expect(JSON.parse(out)).toEqual([letter]);
  });

  test('when text has no control characters, then it is printed as it is', () => {
    expect(printable('login.succeeded 플레이어 ✓')).toBe('login.succeeded 플레이어 ✓');
    expect(printable('a\u0000b\u007fc')).toBe('a\\x00b\\x7fc');
  });
});
