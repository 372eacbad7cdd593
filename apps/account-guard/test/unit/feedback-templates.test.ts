import {
  NoticeFacts,
  renderEmail,
  renderFeedbackPage,
  renderInGame,
  renderSms,
  renderUnlockPage,
  sessionsRevokeMessage,
} from '../../src/domain/templates';
import type { AnswerLink, FeedbackPageState } from '../../src/domain/templates';

const ANSWER = 'https://guard.example/v1/feedback/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde';
const UNLOCK = 'https://guard.example/v1/unlock/ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210_-abcde';

const facts = (over: Partial<NoticeFacts & AnswerLink> = {}): NoticeFacts & AnswerLink => ({
  kind: 'notify',
  accountId: 'acc-42',
  country: 'JP',
  ip: '203.0.113.77',
  at: '2026-11-21T10:15:00.000Z',
  unlock: null,
  lockEnded: false,
  unlockChannels: [],
  settingsUrl: null,
  answer: { url: ANSWER, expiresAt: '2026-11-22T10:15:00.000Z' },
  ...over,
});

describe('the answer link in notices', () => {
  test.each(['notify', 'new_sign_in', 'kick', 'block'] as const)(
    'when a %s notice carries an answer link, then the email asks "was this you?" with the link on its own line (en and ko)',
    (kind) => {
      const en = renderEmail(facts({ kind }), 'en');
      expect(en.text).toContain(
        'Was this you? Answer with this one-time link (valid until 2026-11-22 10:15 UTC):',
      );
      expect(en.text).toContain(`\n\n${ANSWER}\n\n`);
      expect(en.text).toContain('“Yes, it was me” and “No, secure my account”');
      expect(en.html).toContain(`<a href="${ANSWER}">`);
      const ko = renderEmail(facts({ kind }), 'ko');
      expect(ko.text).toContain('본인이 맞으신가요?');
      expect(ko.text).toContain('2026년 11월 22일 19:15 (한국 시간)까지 유효');
      expect(ko.text).toContain(ANSWER);
    },
  );

  test('when a lock notice carries both links, then the email and SMS keep the unlock link and add the answer link', () => {
    const f = facts({
      kind: 'lock',
      unlock: { url: UNLOCK, expiresAt: '2026-11-22T10:15:00.000Z' },
      unlockChannels: ['email', 'sms'],
    });
    for (const locale of ['en', 'ko'] as const) {
      const mail = renderEmail(f, locale).text;
      expect(mail).toContain(UNLOCK);
      expect(mail).toContain(ANSWER);
      const sms = renderSms(f, locale);
      expect(sms).toContain(UNLOCK);
      expect(sms).toContain(ANSWER);
    }
    expect(renderSms(f, 'en')).toMatch(
      /Was this you\? Answer \(one-time link, valid until 2026-11-22 10:15 UTC\): https:/,
    );
  });

  test('when a notice has no answer link, then nothing about answering is said', () => {
    for (const answer of [null, undefined]) {
      const f = facts({ answer });
      expect(renderEmail(f, 'en').text).not.toContain('Was this you?');
      expect(renderSms(f, 'en')).not.toContain('/v1/feedback/');
    }
  });

  test('when the notice goes in-game, then it never carries the answer link', () => {
    expect(renderInGame(facts(), 'en')).not.toContain(ANSWER);
  });

  test('when sessions are revoked, then the message says why in the account language', () => {
    expect(sessionsRevokeMessage('en')).toContain('new password');
    expect(sessionsRevokeMessage('ko')).toContain('새 비밀번호');
  });
});

describe("the answer link's page", () => {
  const confirm = {
    state: 'confirm' as const,
    accountId: 'acc-42',
    country: 'JP',
    ip: '203.0.113.77',
    at: '2026-11-21T10:15:00.000Z',
    passDays: 30,
  };

  test('when the page confirms, then it shows the login, says what each button does and has both buttons posting back', () => {
    const html = renderFeedbackPage(confirm, 'en');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<h1>Was this you?</h1>');
    expect(html).toContain('Japan (JP) on 2026-11-21 10:15 UTC');
    expect(html).toContain('203.0.113.xxx');
    expect(html).not.toContain('203.0.113.77');
    expect(html).toContain('a travel pass for 30 days');
    expect(html).toContain('end every session');
    expect(html).toContain('<form method="post">');
    expect(html).toContain('<button type="submit" name="answer" value="me">Yes, it was me</button>');
    expect(html).toContain(
      '<button type="submit" name="answer" value="not_me">No, secure my account</button>',
    );
    const ko = renderFeedbackPage(confirm, 'ko');
    expect(ko).toContain('<html lang="ko">');
    expect(ko).toContain('일본(JP)');
    expect(ko).toContain('value="me">네, 제가 로그인했습니다</button>');
    expect(ko).toContain('value="not_me">아니요, 계정을 보호해 주세요</button>');
  });

  test.each(['done', 'not_found', 'used', 'expired', 'refused', 'rate_limited'] as FeedbackPageState[])(
    'when the page is in state %s, then it has a title in both languages and no buttons',
    (state) => {
      for (const locale of ['en', 'ko'] as const) {
        const html = renderFeedbackPage({ state }, locale);
        expect(html).toMatch(/<h1>[^<]+<\/h1>/);
        expect(html).not.toContain('<form');
      }
    },
  );

  test('when the answer was recorded, then the done page tells which', () => {
    expect(renderFeedbackPage({ state: 'done', answer: 'me' }, 'en')).toContain('Thank you for confirming');
    expect(renderFeedbackPage({ state: 'done', answer: 'not_me' }, 'en')).toContain(
      'Your account is secured',
    );
    expect(renderFeedbackPage({ state: 'done', answer: 'not_me' }, 'ko')).toContain('계정을 보호했습니다');
  });

  test('when an account id holds markup, then the page escapes it', () => {
    expect(renderFeedbackPage({ ...confirm, accountId: '<script>x</script>' }, 'en')).not.toContain(
      '<script>',
    );
  });
});

describe('the unlock page of a lock only support can end ("not me")', () => {
  test('when it is rendered, then it says so in English and Korean, with no button', () => {
    const en = renderUnlockPage({ state: 'support_only' }, 'en');
    expect(en).toContain('Only support can unlock your account');
    expect(en).toContain('reported as not you');
    expect(en).not.toContain('<form');
    const ko = renderUnlockPage({ state: 'support_only' }, 'ko');
    expect(ko).toContain('lang="ko"');
    expect(ko).toContain('고객지원팀만 계정 잠금을 해제할 수 있습니다');
    expect(ko).not.toContain('<form');
  });

  test('when a lock notice has no unlock link, then it tells the player to contact support, in both languages', () => {
    const lock = facts({ kind: 'lock', unlock: null, lockEnded: false });
    expect(renderEmail(lock, 'en').text).toContain('To unlock your account, contact support');
    expect(renderSms(lock, 'en')).toContain('Contact support to unlock it');
    expect(renderEmail(lock, 'ko').text).toContain('잠금을 해제하려면 고객지원팀에 문의해 주세요');
    expect(renderSms(lock, 'ko')).toContain('고객지원팀에 문의하세요');
  });
});
