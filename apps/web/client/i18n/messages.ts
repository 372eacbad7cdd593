/**
 * The message catalogue. English is the reference: the Korean catalogue must have exactly the same
 * keys (the type enforces it), so a missing translation is a compile error, not a blank label.
 */
import { LOCALES, type Locale } from '@account-security/shared/contracts';

export const en = {
  appTitle: 'Account security',
  playerTitle: 'My account security',
  supportTitle: 'Support console',
  skipToContent: 'Skip to main content',
  language: 'Language',
  signedInAs: 'Signed in as {sub}',
  signOut: 'Forget token',
  footer: 'Account-security suite',
  loading: 'Loading…',
  refresh: 'Refresh',
  none: 'None',
  notSet: 'not set',

  tokenHeading: 'Sign in with your access token',
  tokenLabel: 'Access token (JWT)',
  tokenHelp:
    'Paste the token your game or support tool gave you. It is kept in this browser tab only and is forgotten when the tab closes.',
  tokenSubmit: 'Use this token',
  tokenMalformed: 'That is not a token: expected three dot-separated parts with a readable payload.',
  tokenExpired: 'Your token has expired. Paste a new one.',
  tokenRejected: 'The server did not accept your token. Paste a new one.',
  tokenForgotten: 'The token was forgotten.',
  tokenReplaceTitle: 'Switch to the token in this link?',
  tokenReplaceBody:
    'You are signed in as {current}. The link you opened would sign you in as {next} instead. If you did not expect this link, keep your current session.',
  tokenReplaceAccept: 'Use the token in the link',
  tokenReplaceKeep: 'Keep my current session',

  errorRequest: 'Request failed ({status}): {message}',
  errorForbidden: 'Not allowed: {message}',
  errorNetwork: 'The server could not be reached. Try again.',

  historyHeading: 'Login history',
  historyTimes: 'Times are shown in your time zone ({tz}).',
  homeCountry: 'Home country',
  homeCountryHelp: 'Logins from any other country are highlighted.',
  colTime: 'Time',
  colCountry: 'Country',
  colIp: 'IP address',
  colPlatform: 'Platform',
  foreign: 'Foreign',
  foreignRow: 'Login from outside {country}',
  unknownCountry: 'Unknown',
  showIp: 'Show',
  hideIp: 'Hide',
  showIpLabel: 'Show the full IP address of the login at {time}',
  hideIpLabel: 'Hide the full IP address of the login at {time}',
  noLogins: 'No logins recorded yet.',
  loadMore: 'Load older logins',
  historyEnd: 'That is the whole history.',
  loginsLoaded: 'Loaded {n} older logins.',

  protectionHeading: 'Protection settings',
  protectionHeadingReadOnly: 'Protection settings (read only)',
  protectionDefaults: 'Never chosen: the service defaults apply.',
  policyLegend: 'When a login comes from a country that is neither your home country nor trusted',
  policy_none: 'Do nothing (record it only)',
  policy_notify: 'Notify me',
  policy_kick: 'Notify me and end that session',
  policy_block: 'Notify me and refuse play from other countries',
  policy_lock: 'Notify me and lock my account',
  policyLabel: 'Policy',
  channelsLegend: 'Notify me by',
  channelsLabel: 'Channels',
  channel_email: 'Email',
  channel_sms: 'Text message (SMS)',
  channel_in_game: 'In-game message',
  emailLabel: 'Email address',
  phoneLabel: 'Phone number (international format, e.g. +82 10 1234 5678)',
  phoneShort: 'Phone number',
  trustedLegend: 'Trusted countries',
  trustedHelp: 'Logins from these countries are never treated as suspicious.',
  trustedAdd: 'Add a trusted country',
  trustedAddButton: 'Add',
  trustedRemove: 'Remove {country}',
  trustedLabel: 'Trusted countries',
  localeLabel: 'Language of notifications',
  localeName_en: 'English',
  localeName_ko: 'Korean (한국어)',
  save: 'Save settings',
  saving: 'Saving…',
  saved: 'Your protection settings were saved.',
  stepUpRequired:
    'To lower your protection, sign in again (a recent sign-in is needed), then save the change.',
  pendingEmail:
    'Awaiting verification: {address}. Open the link we sent there; until then notices keep going to {current}.',
  pendingPhone:
    'Awaiting verification: {address}. Open the link we texted there; until then notices keep going to {current}.',

  lockedHeading: 'Your account is locked',
  lockedSince: 'Locked since {time}.',
  lockedReason: 'Reason: {reason}',
  unlockHelp:
    'To unlock it, open the one-time unlock link we sent to your email or phone and press the confirm button on that page. If you did not receive it, contact customer support: they can unlock the account after checking it is yours.',
  notLocked: 'Your account is not locked.',
  supportTokenHint: 'This token has the support role. To look up other accounts, open the {link}.',

  supportRoleRequired: 'Support role required',
  supportRoleExplain:
    'The token in use (for {sub}) does not carry the support role, so this console shows nothing. Paste a support token to continue.',
  lookupHeading: 'Find an account',
  accountIdLabel: 'Account ID',
  lookup: 'Look up',
  lookingUp: 'Loading account {id}…',
  accountHeading: 'Account {id}',
  accountLoaded: 'Account {id} loaded.',
  statusHeading: 'Lock status',
  statusLocked: 'Locked',
  statusUnlocked: 'Not locked',
  lockedAtLabel: 'Locked at',
  reasonLabel: 'Reason',
  unlockHeading: 'Unlock the account',
  unlockReasonLabel: 'Reason for unlocking (required; recorded in the audit trail)',
  unlockSubmit: 'Unlock account',
  unlocking: 'Unlocking…',
  unlocked: 'Account {id} was unlocked.',
  unlockNotLocked: 'This account is not locked, so there is nothing to unlock.',
  unlockReasonRequired: 'Enter the reason for unlocking.',
  recentLoginsHeading: 'Recent logins',
  auditHeading: 'Audit trail',
  colAction: 'What',
  colBy: 'Who',
  colDetails: 'Details',
  noAudit: 'No audit entries yet.',
  auditMore: 'Load older entries',
  colReason: 'Reason',
  settingsLockedNote: 'While the account is locked, only support staff can change these settings.',

  reasonSuspicious: 'suspicious login from {country} ({why})',
  reasonSuspiciousNoCountry: 'suspicious login ({why})',
  why_foreign_country: 'neither the home country nor a trusted one',

  action_policy_changed: 'Protection settings changed',
  action_account_locked: 'Account locked',
  action_account_unlocked: 'Account unlocked',
  action_unlock_refused: 'Unlock refused',
  action_session_kicked: 'Session ended',
  action_login_blocked: 'Login blocked',
  action_notification_sent: 'Notification sent',
  action_notification_skipped: 'Notification skipped',
  action_notification_failed: 'Notification failed',
  action_policy_change_refused: 'Protection change refused (sign-in too old)',
  action_contact_verified: 'Contact verified',
  action_contact_verification_refused: 'Contact verification refused',
  actor_system: 'System',
  actor_player: 'Player',
  actor_support: 'Support staff {id}',
};

export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;

export const ko: Catalogue = {
  appTitle: '계정 보안',
  playerTitle: '내 계정 보안',
  supportTitle: '고객 지원 콘솔',
  skipToContent: '본문으로 건너뛰기',
  language: '언어',
  signedInAs: '{sub}(으)로 로그인됨',
  signOut: '토큰 지우기',
  footer: '계정 보안 서비스',
  loading: '불러오는 중…',
  refresh: '새로 고침',
  none: '없음',
  notSet: '설정 안 됨',

  tokenHeading: '액세스 토큰으로 로그인',
  tokenLabel: '액세스 토큰(JWT)',
  tokenHelp:
    '게임이나 지원 도구에서 받은 토큰을 붙여 넣으세요. 토큰은 이 브라우저 탭에만 보관되며 탭을 닫으면 지워집니다.',
  tokenSubmit: '이 토큰 사용',
  tokenMalformed: '토큰 형식이 아닙니다. 점으로 구분된 세 부분과 읽을 수 있는 페이로드가 필요합니다.',
  tokenExpired: '토큰이 만료되었습니다. 새 토큰을 붙여 넣으세요.',
  tokenRejected: '서버가 토큰을 거부했습니다. 새 토큰을 붙여 넣으세요.',
  tokenForgotten: '토큰을 지웠습니다.',
  tokenReplaceTitle: '이 링크의 토큰으로 바꿀까요?',
  tokenReplaceBody:
    '현재 {current}(으)로 로그인되어 있습니다. 방금 연 링크는 대신 {next}(으)로 로그인합니다. 예상하지 못한 링크라면 현재 세션을 유지하세요.',
  tokenReplaceAccept: '링크의 토큰 사용',
  tokenReplaceKeep: '현재 세션 유지',

  errorRequest: '요청에 실패했습니다({status}): {message}',
  errorForbidden: '허용되지 않음: {message}',
  errorNetwork: '서버에 연결할 수 없습니다. 다시 시도하세요.',

  historyHeading: '로그인 기록',
  historyTimes: '시간은 내 시간대({tz}) 기준입니다.',
  homeCountry: '거주 국가',
  homeCountryHelp: '다른 국가에서의 로그인은 강조 표시됩니다.',
  colTime: '시간',
  colCountry: '국가',
  colIp: 'IP 주소',
  colPlatform: '플랫폼',
  foreign: '해외',
  foreignRow: '{country} 밖에서의 로그인',
  unknownCountry: '알 수 없음',
  showIp: '보기',
  hideIp: '숨기기',
  showIpLabel: '{time} 로그인의 전체 IP 주소 보기',
  hideIpLabel: '{time} 로그인의 전체 IP 주소 숨기기',
  noLogins: '아직 기록된 로그인이 없습니다.',
  loadMore: '이전 로그인 더 보기',
  historyEnd: '모든 기록을 불러왔습니다.',
  loginsLoaded: '이전 로그인 {n}건을 더 불러왔습니다.',

  protectionHeading: '보호 설정',
  protectionHeadingReadOnly: '보호 설정(읽기 전용)',
  protectionDefaults: '직접 설정한 적 없음: 서비스 기본값이 적용됩니다.',
  policyLegend: '거주 국가도 신뢰 국가도 아닌 곳에서 로그인하면',
  policy_none: '아무것도 하지 않음(기록만)',
  policy_notify: '알림 보내기',
  policy_kick: '알림 후 해당 세션 종료',
  policy_block: '알림 후 다른 국가에서의 플레이 차단',
  policy_lock: '알림 후 계정 잠금',
  policyLabel: '정책',
  channelsLegend: '알림 받을 방법',
  channelsLabel: '알림 채널',
  channel_email: '이메일',
  channel_sms: '문자 메시지(SMS)',
  channel_in_game: '게임 내 메시지',
  emailLabel: '이메일 주소',
  phoneLabel: '전화번호(국제 형식, 예: +82 10 1234 5678)',
  phoneShort: '전화번호',
  trustedLegend: '신뢰하는 국가',
  trustedHelp: '이 국가에서의 로그인은 의심스러운 로그인으로 보지 않습니다.',
  trustedAdd: '신뢰하는 국가 추가',
  trustedAddButton: '추가',
  trustedRemove: '{country} 삭제',
  trustedLabel: '신뢰하는 국가',
  localeLabel: '알림 언어',
  localeName_en: '영어(English)',
  localeName_ko: '한국어',
  save: '설정 저장',
  saving: '저장 중…',
  saved: '보호 설정을 저장했습니다.',
  stepUpRequired: '보호 수준을 낮추려면 다시 로그인한 뒤(최근 로그인이 필요합니다) 변경 사항을 저장하세요.',
  pendingEmail:
    '확인 대기 중: {address}. 그 주소로 보낸 링크를 열어 주세요. 그때까지 알림은 계속 {current}(으)로 갑니다.',
  pendingPhone:
    '확인 대기 중: {address}. 그 번호로 보낸 링크를 열어 주세요. 그때까지 알림은 계속 {current}(으)로 갑니다.',

  lockedHeading: '계정이 잠겨 있습니다',
  lockedSince: '{time}부터 잠겨 있습니다.',
  lockedReason: '사유: {reason}',
  unlockHelp:
    '잠금을 해제하려면 이메일이나 휴대폰으로 보낸 일회용 잠금 해제 링크를 열고 그 페이지의 확인 버튼을 누르세요. 링크를 받지 못했다면 고객 지원팀에 문의하세요. 본인 계정임을 확인한 뒤 잠금을 해제해 드립니다.',
  notLocked: '계정이 잠겨 있지 않습니다.',
  supportTokenHint: '이 토큰에는 지원 담당자 권한이 있습니다. 다른 계정을 조회하려면 {link}을 여세요.',

  supportRoleRequired: '지원 담당자 권한이 필요합니다',
  supportRoleExplain:
    '현재 토큰({sub})에는 지원 담당자 권한이 없어 이 콘솔에는 아무것도 표시되지 않습니다. 계속하려면 지원 담당자 토큰을 붙여 넣으세요.',
  lookupHeading: '계정 찾기',
  accountIdLabel: '계정 ID',
  lookup: '조회',
  lookingUp: '계정 {id}을(를) 불러오는 중…',
  accountHeading: '계정 {id}',
  accountLoaded: '계정 {id}을(를) 불러왔습니다.',
  statusHeading: '잠금 상태',
  statusLocked: '잠김',
  statusUnlocked: '잠기지 않음',
  lockedAtLabel: '잠긴 시각',
  reasonLabel: '사유',
  unlockHeading: '계정 잠금 해제',
  unlockReasonLabel: '잠금 해제 사유(필수, 감사 기록에 남습니다)',
  unlockSubmit: '계정 잠금 해제',
  unlocking: '잠금 해제 중…',
  unlocked: '계정 {id}의 잠금을 해제했습니다.',
  unlockNotLocked: '이 계정은 잠겨 있지 않아 해제할 잠금이 없습니다.',
  unlockReasonRequired: '잠금 해제 사유를 입력하세요.',
  recentLoginsHeading: '최근 로그인',
  auditHeading: '감사 기록',
  colAction: '내용',
  colBy: '수행자',
  colDetails: '상세',
  noAudit: '아직 감사 기록이 없습니다.',
  auditMore: '이전 기록 더 보기',
  colReason: '사유',
  settingsLockedNote: '계정이 잠겨 있는 동안에는 고객 지원팀만 이 설정을 바꿀 수 있습니다.',

  reasonSuspicious: '{country}에서의 의심스러운 로그인({why})',
  reasonSuspiciousNoCountry: '의심스러운 로그인({why})',
  why_foreign_country: '거주 국가도 신뢰 국가도 아님',

  action_policy_changed: '보호 설정 변경',
  action_account_locked: '계정 잠김',
  action_account_unlocked: '계정 잠금 해제',
  action_unlock_refused: '잠금 해제 거부',
  action_session_kicked: '세션 종료',
  action_login_blocked: '로그인 차단',
  action_notification_sent: '알림 발송',
  action_notification_skipped: '알림 건너뜀',
  action_notification_failed: '알림 실패',
  action_policy_change_refused: '보호 설정 변경 거부(로그인이 오래됨)',
  action_contact_verified: '연락처 확인됨',
  action_contact_verification_refused: '연락처 확인 거부',
  actor_system: '시스템',
  actor_player: '플레이어',
  actor_support: '지원 담당자 {id}',
};

/** The page speaks the languages the notices are written in: one catalogue for each. */
export type Lang = Locale;
export const LANGS: readonly Lang[] = LOCALES;
export const catalogues: Record<Lang, Catalogue> = { en, ko };

export function isLang(value: unknown): value is Lang {
  return (LOCALES as readonly unknown[]).includes(value);
}

/** Fills `{name}` placeholders; an unknown placeholder stays visible so a typo is noticed. */
export function format(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function translate(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  return format(catalogues[lang][key], params);
}

/** The first of the browser's preferred languages we have a catalogue for, else English. */
export function pickLang(preferred: readonly string[]): Lang {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLang(base)) return base;
  }
  return 'en';
}
