import type { FeedbackAnswer } from '@account-security/shared/contracts';
import type { Locale } from '../types';
import type { Block } from './catalog';
import { countryName, escapeHtml, formatTime, maskIp } from './format';

/** SPEC §8: the one-time answer link a login's email/SMS notice carries (minted when it is sent). */
export interface AnswerLink {
  answer?: { url: string; expiresAt: string } | null;
}

export type FeedbackPageState =
  'confirm' | 'done' | 'not_found' | 'used' | 'expired' | 'refused' | 'rate_limited';

export interface FeedbackPageView {
  state: FeedbackPageState;
  accountId?: string;
  country?: string | null;
  ip?: string;
  /** ISO time of the login. */
  at?: string;
  /** The days of travel pass "it was me" grants. */
  passDays?: number;
  /** On `done`: which answer was recorded. */
  answer?: FeedbackAnswer;
}

interface Page {
  title: string;
  body: string[];
  buttons?: { me: string; notMe: string };
}

interface FeedbackCatalog {
  email(expires: string): string;
  linkNote: string;
  sms(url: string, expires: string): string;
  revoke: string;
  page(v: FeedbackPageView, x: { country: string; time: string; ip: string }): Page;
}

const en: FeedbackCatalog = {
  email: (expires) => `Was this you? Answer with this one-time link (valid until ${expires}):`,
  linkNote:
    'Opening it shows a page with two buttons, “Yes, it was me” and “No, secure my account”; nothing happens until you press one.',
  sms: (url, expires) => `Was this you? Answer (one-time link, valid until ${expires}): ${url}`,
  revoke:
    'This session was ended: the account owner reported a sign-in that was not them. A new password is needed to sign in again.',
  page: (v, x) => {
    switch (v.state) {
      case 'confirm':
        return {
          title: 'Was this you?',
          body: [
            `Someone signed in to account ${v.accountId ?? ''} from ${x.country} on ${x.time}, from the IP address ${x.ip}.`,
            `“Yes, it was me”: this device and network become known to your account, ${x.country} gets a travel pass for ${v.passDays ?? 30} days (unless it is your home or a trusted country), and if this sign-in locked your account, it is unlocked.`,
            '“No, secure my account”: we lock your account, end every session on it and require a new password at your next sign-in. Support staff can unlock it for you.',
          ],
          buttons: { me: 'Yes, it was me', notMe: 'No, secure my account' },
        };
      case 'done':
        return v.answer === 'not_me'
          ? {
              title: 'Your account is secured',
              body: [
                'Thank you. We locked your account, ended every session on it and asked for a new password at the next sign-in.',
                'Contact support to get back into your account.',
              ],
            }
          : {
              title: 'Thank you for confirming',
              body: [
                'We will recognise this device and network from now on. If the sign-in had locked your account, it is unlocked.',
              ],
            };
      case 'not_found':
        return {
          title: 'This link is not valid',
          body: ['Check that you opened the whole link from the message, or contact support.'],
        };
      case 'used':
        return {
          title: 'This link has already been used',
          body: ['Each link works once: your answer was recorded. Contact support if something is wrong.'],
        };
      case 'expired':
        return {
          title: 'This link has expired',
          body: ['If the sign-in was not you, change your password and contact support.'],
        };
      case 'refused':
        return {
          title: 'This sign-in was already reported as not you',
          body: ['Your account stays locked for your protection. Contact support to unlock it.'],
        };
      case 'rate_limited':
        return { title: 'Too many attempts', body: ['Please wait a few minutes and try again.'] };
    }
  },
};

const ko: FeedbackCatalog = {
  email: (expires) =>
    `본인이 맞으신가요? 아래의 일회용 링크로 답해 주세요. 링크는 ${expires}까지 유효합니다.`,
  linkNote:
    '링크를 열면 “네, 제가 로그인했습니다”와 “아니요, 계정을 보호해 주세요” 두 버튼이 있는 페이지가 나오며, 버튼을 누르기 전에는 아무 일도 일어나지 않습니다.',
  sms: (url, expires) => `본인이 맞으신가요? 답하기 (일회용 링크, ${expires}까지 유효): ${url}`,
  revoke:
    '계정 소유자가 본인이 아닌 로그인을 신고하여 이 접속이 종료되었습니다. 다시 로그인하려면 새 비밀번호가 필요합니다.',
  page: (v, x) => {
    switch (v.state) {
      case 'confirm':
        return {
          title: '본인이 맞으신가요?',
          body: [
            `${x.time}에 ${x.country}에서 계정 ${v.accountId ?? ''}에 로그인이 있었습니다. (IP 주소: ${x.ip})`,
            `“네, 제가 로그인했습니다”: 이 기기와 네트워크를 회원님의 것으로 기억하고, ${x.country}에 ${v.passDays ?? 30}일간 여행 허용을 추가하며(본국이나 신뢰 국가가 아닌 경우), 이 로그인 때문에 계정이 잠겼다면 잠금을 해제합니다.`,
            '“아니요, 계정을 보호해 주세요”: 계정을 잠그고, 모든 접속을 종료하며, 다음 로그인 때 새 비밀번호를 요구합니다. 잠금 해제는 고객지원팀에서 도와드립니다.',
          ],
          buttons: { me: '네, 제가 로그인했습니다', notMe: '아니요, 계정을 보호해 주세요' },
        };
      case 'done':
        return v.answer === 'not_me'
          ? {
              title: '계정을 보호했습니다',
              body: [
                '감사합니다. 계정을 잠그고 모든 접속을 종료했으며, 다음 로그인 때 새 비밀번호를 요구합니다.',
                '계정을 다시 사용하려면 고객지원팀에 문의해 주세요.',
              ],
            }
          : {
              title: '확인해 주셔서 감사합니다',
              body: [
                '앞으로 이 기기와 네트워크를 알아보겠습니다. 이 로그인 때문에 계정이 잠겼다면 잠금이 해제되었습니다.',
              ],
            };
      case 'not_found':
        return {
          title: '유효하지 않은 링크입니다',
          body: ['메시지의 링크 전체를 열었는지 확인하시거나 고객지원팀에 문의해 주세요.'],
        };
      case 'used':
        return {
          title: '이미 사용된 링크입니다',
          body: [
            '링크는 한 번만 쓸 수 있으며, 답변은 기록되었습니다. 문제가 있다면 고객지원팀에 문의해 주세요.',
          ],
        };
      case 'expired':
        return {
          title: '링크가 만료되었습니다',
          body: ['본인의 로그인이 아니었다면 비밀번호를 바꾸고 고객지원팀에 문의해 주세요.'],
        };
      case 'refused':
        return {
          title: '이미 본인이 아닌 로그인으로 신고되었습니다',
          body: [
            '회원님의 보호를 위해 계정은 잠긴 상태로 유지됩니다. 잠금 해제는 고객지원팀에 문의해 주세요.',
          ],
        };
      case 'rate_limited':
        return { title: '시도 횟수가 너무 많습니다', body: ['몇 분 뒤에 다시 시도해 주세요.'] };
    }
  },
};

const catalogs: Record<Locale, FeedbackCatalog> = { en, ko };

/** The answer link's paragraphs in an email; none when the notice has no link. */
export function answerBlocks(f: AnswerLink, locale: Locale): Block[] {
  if (!f.answer) return [];
  const c = catalogs[locale];
  return [c.email(formatTime(f.answer.expiresAt, locale)), { link: f.answer.url }, c.linkNote];
}

/** The answer link appended to an SMS; empty when the notice has no link. */
export function answerSms(f: AnswerLink, locale: Locale): string {
  if (!f.answer) return '';
  return ` ${catalogs[locale].sms(f.answer.url, formatTime(f.answer.expiresAt, locale))}`;
}

/** account.sessions-revoke's `message`, shown in every session it ends. */
export function sessionsRevokeMessage(locale: Locale): string {
  return catalogs[locale].revoke;
}

/**
 * The answer link's page: GET shows it (reading only), its two buttons POST `answer` back to
 * this very URL (no action attribute, so the token is never echoed into the HTML).
 */
export function renderFeedbackPage(view: FeedbackPageView, locale: Locale): string {
  const x = {
    country: countryName(view.country ?? null, locale),
    time: view.at ? formatTime(view.at, locale) : '',
    ip: view.ip ? maskIp(view.ip) : '',
  };
  const page = catalogs[locale].page(view, x);
  const paragraphs = page.body.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  const form = page.buttons
    ? `
<form method="post">
<button type="submit" name="answer" value="me">${escapeHtml(page.buttons.me)}</button>
<button type="submit" name="answer" value="not_me">${escapeHtml(page.buttons.notMe)}</button>
</form>`
    : '';
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow"><title>${escapeHtml(page.title)}</title>
<style>body{font-family:sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.6rem 1.2rem;margin:0 .5rem .5rem 0}</style>
</head><body><main>
<h1>${escapeHtml(page.title)}</h1>
${paragraphs}${form}
</main></body></html>
`;
}
