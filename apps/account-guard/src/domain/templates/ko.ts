import type { Catalog, NoticeFacts } from './catalog';

const newWords = { device: '기기', network: '네트워크', place: '장소' } as const;

/** "이 계정에서 처음 쓰인 기기와 네트워크에서" */
const whatNew = (f: NoticeFacts) => {
  const news = (f.news ?? []).map((n) => newWords[n]);
  if (news.length === 0) return '평소와 다른 방식으로';
  return `이 계정에서 처음 쓰인 ${news.join('·')}에서`;
};

const channelWords = (f: NoticeFacts) =>
  f.unlockChannels.map((c) => (c === 'email' ? '이메일' : '문자 메시지')).join('과 ');

export const ko: Catalog = {
  subject: (f, x) =>
    ({
      notify: `새 로그인 알림: ${x.country}에서 계정에 로그인했습니다`,
      kick: `${x.country}에서의 접속을 종료했습니다`,
      block: `${x.country}에서의 로그인을 차단했습니다`,
      lock: `${x.country}에서의 로그인으로 계정이 잠겼습니다`,
      new_sign_in: `새 로그인 알림: ${x.country}에서 평소와 다른 로그인이 있었습니다`,
    })[f.kind],

  greeting: '안녕하세요.',

  what: (f, x) =>
    f.kind === 'new_sign_in'
      ? `${x.time}에 ${x.country}에서, ${whatNew(f)} 회원님의 계정 ${f.accountId}에 로그인이 있었습니다. (IP 주소: ${x.ip})`
      : `${x.time}에 ${x.country}에서 회원님의 계정 ${f.accountId}에 로그인이 있었습니다. (IP 주소: ${x.ip})`,

  done: (f) =>
    ({
      notify:
        '이 로그인은 허용되었습니다. 현재 보호 설정에 따라 본국과 신뢰 국가 이외의 지역에서 로그인하면 알려 드립니다.',
      kick: '보호 설정에 따라 해당 접속을 즉시 종료했습니다. 이후의 로그인도 하나하나 다시 확인합니다.',
      block:
        '보호 설정에 따라 해당 접속을 거부했습니다. 설정을 바꾸기 전까지 본국과 신뢰 국가 이외의 지역에서의 로그인은 계속 차단됩니다.',
      lock: '보호 설정에 따라 해당 접속을 종료하고 계정을 잠갔습니다. 잠금이 해제될 때까지 아무도 이 계정으로 플레이할 수 없습니다.',
      new_sign_in: '이 로그인은 허용되었습니다. 평소와 다른 로그인이 있으면 알려 드립니다.',
    })[f.kind],

  advice: (f, x) => {
    if (f.kind === 'new_sign_in')
      return [
        '본인이 로그인한 것이라면 따로 하실 일은 없습니다.',
        '본인이 아니라면 지금 바로 비밀번호를 바꾸고 고객지원팀에 문의해 주세요.',
      ];
    if (f.kind !== 'lock') {
      return [
        `본인이 로그인한 것이라면 따로 하실 일은 없습니다. 이 국가(${x.country})를 신뢰 국가에 추가하면 그곳에서의 로그인은 더 이상 알리지 않습니다.`,
        '본인이 아니라면 지금 바로 비밀번호를 바꾸고 고객지원팀에 문의해 주세요.',
      ];
    }
    if (f.lockEnded)
      return [
        '이 계정의 잠금은 이미 해제되었습니다. 본인의 로그인이 아니었다면 지금 바로 비밀번호를 바꾸고 고객지원팀에 문의해 주세요.',
      ];
    if (!f.unlock)
      return [
        '잠금을 해제하려면 고객지원팀에 문의해 주세요. 본인의 로그인이 아니었다면 먼저 비밀번호를 바꿔 주세요.',
      ];
    return [
      `본인이었거나 비밀번호를 바꾸셨다면, 아래의 일회용 링크로 계정 잠금을 해제하세요. 링크는 ${x.expires}까지 유효합니다.`,
      { link: f.unlock.url },
      '링크는 한 번만 쓸 수 있습니다. 링크를 열면 확인 페이지가 나오며, 그 페이지의 버튼을 눌러야 잠금이 해제됩니다.',
      '본인의 로그인이 아니었다면 잠금을 해제하기 전에 비밀번호를 바꿔 주세요. 고객지원팀에서도 잠금을 해제해 드릴 수 있습니다.',
    ];
  },

  settings: (f) =>
    f.settingsUrl
      ? `보호 방식(정책, 알림 채널, 신뢰 국가)을 바꾸려면 다음 주소에서 설정하세요: ${f.settingsUrl}`
      : '보호 방식(정책, 알림 채널, 신뢰 국가)을 바꾸려면 계정 보안 설정을 이용하시거나 고객지원팀에 문의해 주세요.',

  signature: '— Account Guard',

  sms: (f, x) => {
    const head = `[Account Guard] ${x.time} ${x.country}에서 ${f.accountId} 계정에 로그인 (IP ${x.ip}).`;
    if (f.kind === 'new_sign_in')
      return `[Account Guard] ${x.time} ${x.country}에서 ${whatNew(f)} ${f.accountId} 계정에 새 로그인 (IP ${x.ip}). 본인이 아니라면 비밀번호를 바꾸고 고객지원팀에 문의하세요.`;
    if (f.kind === 'notify')
      return `${head} 로그인은 허용되었습니다. 본인이 아니라면 비밀번호를 바꾸고 고객지원팀에 문의하세요.`;
    if (f.kind === 'kick')
      return `${head} 해당 접속을 종료했습니다. 본인이 아니라면 비밀번호를 바꾸고 고객지원팀에 문의하세요.`;
    if (f.kind === 'block') return `${head} 허용되지 않은 지역이라 접속을 거부했습니다.`;
    if (f.lockEnded) return `${head} 계정이 잠겼다가 이미 해제되었습니다.`;
    if (!f.unlock) return `${head} 계정이 잠겼습니다. 잠금 해제는 고객지원팀에 문의하세요.`;
    return `${head} 계정이 잠겼습니다. 일회용 잠금 해제 링크, ${x.expires}까지 유효: ${f.unlock.url}`;
  },

  inGame: (f, x) => {
    const head = `보안 알림: ${x.time}에 ${x.country}에서 이 계정에 로그인했습니다 (IP ${x.ip}).`;
    if (f.kind === 'new_sign_in')
      return `보안 알림: ${x.time}에 ${x.country}에서 ${whatNew(f)} 이 계정에 새 로그인이 있었습니다 (IP ${x.ip}). 본인이 아니라면 비밀번호를 바꾸고 고객지원팀에 문의하세요.`;
    if (f.kind === 'notify') return `${head} 본인이 아니라면 비밀번호를 바꾸고 고객지원팀에 문의하세요.`;
    if (f.kind === 'kick') return `${head} 계정 보호를 위해 해당 접속을 종료했습니다.`;
    if (f.kind === 'block') return `${head} 허용되지 않은 지역에서의 로그인이라 접속을 거부했습니다.`;
    return f.unlockChannels.length > 0
      ? `${head} 계정이 잠겼습니다. 계정 소유자에게 ${channelWords(f)}로 잠금 해제 링크를 보냈습니다.`
      : `${head} 계정이 잠겼습니다. 잠금 해제는 고객지원팀에 문의하세요.`;
  },

  kick: {
    foreign_login:
      '이 계정이 평소 로그인하지 않는 국가에서의 접속이라 종료되었습니다. 계정 소유자에게 알렸습니다.',
    region_blocked: '이 계정은 이 지역에서의 로그인이 차단되어 있습니다. 계정 소유자에게 알렸습니다.',
    account_locked:
      '계정 보호를 위해 이 계정은 잠겨 있습니다. 계정 소유자에게 잠금 해제 방법을 보냈으며, 고객지원팀에서도 해제할 수 있습니다.',
  },

  page: (view, lockedAt) => {
    switch (view.state) {
      case 'confirm':
        return {
          title: '계정 잠금 해제',
          body: [
            `의심스러운 로그인 때문에 ${lockedAt ? `${lockedAt}부터 ` : ''}계정 ${view.accountId ?? ''}이(가) 잠겨 있습니다.`,
            '아래 버튼을 누르면 잠금이 해제됩니다. 본인의 로그인이 아니었다면 먼저 비밀번호를 바꿔 주세요.',
          ],
          button: '계정 잠금 해제',
        };
      case 'done':
        return {
          title: '계정 잠금이 해제되었습니다',
          body: [
            '다시 로그인하실 수 있습니다. 계정을 잠근 로그인이 본인이 아니었다면 지금 바로 비밀번호를 바꿔 주세요.',
          ],
        };
      case 'not_found':
        return {
          title: '유효하지 않은 잠금 해제 링크입니다',
          body: ['메시지의 링크 전체를 열었는지 확인하시거나 고객지원팀에 문의해 주세요.'],
        };
      case 'used':
        return {
          title: '이미 사용된 잠금 해제 링크입니다',
          body: ['링크는 한 번만 쓸 수 있습니다. 계정이 아직 잠겨 있다면 고객지원팀에 문의해 주세요.'],
        };
      case 'expired':
        return {
          title: '잠금 해제 링크가 만료되었습니다',
          body: ['계정 잠금 해제는 고객지원팀에 문의해 주세요.'],
        };
      case 'not_locked':
        return { title: '계정이 잠겨 있지 않습니다', body: ['해제할 잠금이 없습니다.'] };
      case 'support_only':
        return {
          title: '고객지원팀만 계정 잠금을 해제할 수 있습니다',
          body: [
            '이 계정의 로그인이 본인이 아니라고 신고되어 이 링크로는 더 이상 잠금을 해제할 수 없습니다. 비밀번호를 바꾸고 고객지원팀에 잠금 해제를 요청해 주세요.',
          ],
        };
      case 'rate_limited':
        return { title: '시도 횟수가 너무 많습니다', body: ['몇 분 뒤에 다시 시도해 주세요.'] };
    }
  },
};
