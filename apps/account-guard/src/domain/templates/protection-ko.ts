import type { Channel, Policy, TravelPass } from '../types';
import type { ProtectionCatalog } from './protection-catalog';

const policyWords: Record<Policy, string> = {
  none: '아무것도 하지 않음',
  notify: '알림',
  kick: '알림 및 접속 종료',
  block: '알림 및 다른 국가 차단',
  lock: '알림 및 계정 잠금',
};
const channelWords: Record<Channel, string> = {
  email: '이메일',
  sms: '문자 메시지',
  in_game: '게임 내 메시지',
};
const list = (xs: string[]) => xs.join(', ');
const day = (iso: string) => iso.slice(0, 10);
const passWords = (p: TravelPass) => `${p.country} ${day(p.from)}~${day(p.until)}`;

export const protectionKo: ProtectionCatalog = {
  change: {
    subject: '계정 보호 설정이 변경되었습니다',
    intro: (f, time) => `${time}에 회원님의 계정 ${f.accountId}의 보호 설정이 다음과 같이 변경되었습니다.`,
    line: (c) => {
      switch (c.field) {
        case 'policy':
          return `정책: "${policyWords[c.from]}"에서 "${policyWords[c.to]}"(으)로.`;
        case 'channels':
          return [
            c.added.length ? `이제 ${list(c.added.map((x) => channelWords[x]))}(으)로도 알립니다.` : '',
            c.removed.length
              ? `더 이상 ${list(c.removed.map((x) => channelWords[x]))}(으)로 알리지 않습니다.`
              : '',
          ]
            .filter(Boolean)
            .join(' ');
        case 'email':
        case 'phone': {
          const what = c.field === 'email' ? '이메일 주소' : '전화번호';
          if (c.to === null) return `${what}: 삭제되었습니다.`;
          return c.pending
            ? `${what}: ${c.to}(으)로 변경이 요청되었습니다. 그곳으로 보낸 링크를 열어야 사용되며, 그때까지 알림은 계속 이곳으로 옵니다.`
            : `${what}: ${c.to}(으)로 변경되었습니다.`;
        }
        case 'travelPasses':
          return [
            c.added.length ? `추가된 여행 패스: ${list(c.added.map(passWords))}.` : '',
            c.removed.length ? `삭제된 여행 패스: ${list(c.removed.map(passWords))}.` : '',
          ]
            .filter(Boolean)
            .join(' ');
        case 'trustedCountries':
          return [
            c.added.length ? `추가된 신뢰 국가: ${list(c.added)}.` : '',
            c.removed.length ? `삭제된 신뢰 국가: ${list(c.removed)}.` : '',
          ]
            .filter(Boolean)
            .join(' ');
        case 'locale':
          return `알림 언어: ${c.from}에서 ${c.to}(으)로.`;
      }
    },
    advice: [
      '본인이 변경하셨다면 따로 하실 일은 없습니다.',
      '본인이 아니라면 다른 사람이 비밀번호를 알고 있을 수 있습니다. 지금 바로 비밀번호를 바꾸고 고객지원팀에 문의해 주세요. 설정을 되돌려 드릴 수 있습니다.',
    ],
    sms: (f, time) =>
      `[Account Guard] ${time}에 ${f.accountId} 계정의 보호 설정이 변경되었습니다. 본인이 아니라면 비밀번호를 바꾸고 고객지원팀에 문의하세요.`,
    inGame: (_f, time) =>
      `보안 알림: ${time}에 이 계정의 보호 설정이 변경되었습니다. 본인이 아니라면 비밀번호를 바꾸고 고객지원팀에 문의하세요.`,
  },
  verify: {
    subject: 'Account Guard 연락처 확인',
    body: (f, expires) =>
      f.verify
        ? [
            `이 ${f.contact === 'email' ? '주소' : '번호'}가 계정 ${f.accountId}의 보안 알림을 받을 연락처로 입력되었습니다.`,
            `확인하려면 아래의 일회용 링크를 열고${expires ? ` (${expires}까지 유효)` : ''} 페이지의 버튼을 눌러 주세요.`,
            { link: f.verify.url },
            '확인하기 전까지 알림은 기존 연락처로 갑니다. 요청하지 않으셨다면 이 메시지를 무시하세요.',
          ]
        : ['이 연락처는 더 이상 확인을 기다리지 않습니다. 따로 하실 일은 없습니다.'],
    sms: (f, expires) =>
      `[Account Guard] ${f.accountId} 계정의 보안 알림을 받을 번호 확인${expires ? ` (${expires}까지)` : ''}: ${f.verify?.url ?? ''} 요청하지 않았다면 무시하세요.`,
  },
  page: (view) => {
    switch (view.state) {
      case 'confirm':
        return {
          title: '연락처 확인',
          body: [
            `버튼을 누르면 ${view.address ?? '이 연락처'}(으)로 계정 ${view.accountId ?? ''}의 보안 알림을 받습니다.`,
          ],
          button: '확인',
        };
      case 'done':
        return { title: '연락처가 확인되었습니다', body: ['이제 보안 알림이 이 연락처로 갑니다.'] };
      case 'not_found':
        return { title: '유효하지 않은 링크입니다', body: ['메시지의 링크 전체를 열었는지 확인해 주세요.'] };
      case 'used':
        return { title: '이미 사용된 링크입니다', body: ['링크는 한 번만 쓸 수 있습니다.'] };
      case 'expired':
        return {
          title: '링크가 만료되었습니다',
          body: ['보호 설정에서 연락처를 다시 저장하면 새 링크를 보내 드립니다.'],
        };
      case 'superseded':
        return {
          title: '더 이상 필요 없는 링크입니다',
          body: ['이 링크가 확인하려던 연락처가 그 뒤에 다시 바뀌었거나 취소되었습니다.'],
        };
      case 'locked':
        return { title: '계정이 잠겨 있습니다', body: ['잠금이 해제된 뒤에 연락처를 확인할 수 있습니다.'] };
      case 'rate_limited':
        return { title: '시도 횟수가 너무 많습니다', body: ['몇 분 뒤에 다시 시도해 주세요.'] };
    }
  },
};
