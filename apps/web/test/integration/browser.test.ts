/**
 * The pages in a real browser (headless Debian Chromium through playwright-core) against the real
 * suite: ip-checker, login-history and account-guard as separate processes on their own vhost and
 * databases, logins fed as a game login server would, and the web server in front of them.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Browser, BrowserContext, Page, chromium } from 'playwright-core';
import {
  EVENTS_EXCHANGE,
  LOGIN_ASSESSED,
  LOGIN_FAILED,
  LOGIN_SUCCEEDED,
  createEvent,
} from '@account-security/shared';
import {
  MessageCollector,
  TEST_JWT_SECRET,
  TestDatabase,
  TestVhost,
  createTestDatabase,
  createTestVhost,
  publishRaw,
  signToken,
  waitUntil,
} from '@account-security/shared/testing';
import { ROOT, Suite, startSuite } from '../../../../scripts/suite';
import { WebProcess, startWeb } from '../support/web-process';

// Functions passed to page.evaluate run in the page; the root tsconfig has no DOM types.
declare const document: any;
declare const sessionStorage: any;
declare const location: any;

/** Every run writes its screenshots here (gitignored), never over the committed ones. */
const SCREENSHOTS = path.join(ROOT, '.tmp/screenshots');
/** The README's screenshots: refreshed only on request, `UPDATE_DOCS=1`, then committed. */
const DOC_SCREENSHOTS = path.join(ROOT, 'docs/screenshots');
const UPDATE_DOCS = process.env.UPDATE_DOCS === '1';
/** Addresses the default GeoIP database places in these countries. */
const IP = { KR: '211.234.10.5', JP: '133.0.0.5', US: '8.8.8.8' };
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const run = randomUUID().slice(0, 8);
const PLAYER = `acc-web-${run}`;
const LOCKED = `acc-lock-${run}`;
/** Locked the same way; support opens it from the console's list of locked accounts. */
const LOCKED2 = `acc-lock2-${run}`;
/** SPEC §8: answers "not me" from the history page, then support unlocks it from the list. */
const NOTME = `acc-notme-${run}`;
/** SPEC §8: locked by a login from Japan after its token was issued, then answers "it was me". */
const ME = `acc-me-${run}`;
/** Enough suspicious logins (from the US) for the support console's alerts to need a second page. */
const MANY = `acc-many-${run}`;
const MANY_LOGINS = 21;
const STAFF = 'staff-9';
const playerToken = signToken({ sub: PLAYER });
const lockedToken = signToken({ sub: LOCKED });
const locked2Token = signToken({ sub: LOCKED2 });
// Issued five minutes before the account's logins below, so "this was me" is offered for the
// newest one: older than the login by more than account-guard's FEEDBACK_ME_MIN_TOKEN_AGE_SECONDS
// (60), younger than STEP_UP_MAX_AGE (600).
const notMeToken = signToken({ sub: NOTME }, { issuedSecondsAgo: 300 });
const meToken = signToken({ sub: ME }, { issuedSecondsAgo: 300 });
const supportToken = signToken({ sub: STAFF, roles: ['support'] });

describe('the player page and the support console in a browser', () => {
  let vhost: TestVhost;
  let historyDb: TestDatabase<unknown>;
  let guardDb: TestDatabase<unknown>;
  let suite: Suite | undefined;
  let web: WebProcess | undefined;
  let browser: Browser;
  let assessed: MessageCollector | undefined;

  async function api(
    service: 'login-history' | 'account-guard',
    pathname: string,
    token: string,
    init?: RequestInit,
  ) {
    const res = await fetch(suite!.url(service) + pathname, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init?.headers },
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  async function publishLogin(accountId: string, ip: string, time: string, platform = 'windows') {
    const event = createEvent({
      type: LOGIN_SUCCEEDED,
      source: 'game-login/web-test',
      subject: accountId,
      time,
      data: { accountId, sessionId: `s-${randomUUID()}`, ip, client: { platform, version: '2.4.1' } },
    });
    await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, event);
  }

  async function publishFailure(accountId: string, ip: string, time: string) {
    const event = createEvent({
      type: LOGIN_FAILED,
      source: 'game-login/web-test',
      subject: accountId,
      time,
      data: { accountId, ip, client: { platform: 'windows', version: '2.4.1' }, reason: 'bad_password' },
    });
    await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_FAILED, event);
  }

  async function historyCount(accountId: string, token: string): Promise<number> {
    const { status, body } = await api('login-history', `/v1/accounts/${accountId}/logins?limit=200`, token);
    return status === 200 ? body.items.length : -1;
  }

  /** Script errors and content-security-policy refusals seen by any page of the current test. */
  let pageProblems: string[] = [];

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({
      locale: 'en-US',
      timezoneId: 'Asia/Seoul',
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    page.on('pageerror', (err) => pageProblems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Refused to|Uncaught/.test(msg.text())) pageProblems.push(msg.text());
    });
    return { context, page };
  }

  beforeEach(() => {
    pageProblems = [];
  });
  afterEach(() => {
    expect(pageProblems).toEqual([]);
  });

  beforeAll(async () => {
    vhost = await createTestVhost('web-browser');
    historyDb = await createTestDatabase('login-history', { migrate: false });
    guardDb = await createTestDatabase('account-guard', { migrate: false });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      AMQP_URL: vhost.url,
      LOGIN_HISTORY_DATABASE_URL: historyDb.url,
      ACCOUNT_GUARD_DATABASE_URL: guardDb.url,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      RETRY_DELAYS_MS: '200,400',
      PUBLISH_TIMEOUT_MS: '10000',
      SHUTDOWN_TIMEOUT_MS: '10000',
      // Each service binds a port of its own choosing and reports it (suite.url below).
      IP_CHECKER_PORT: '0',
      LOGIN_HISTORY_PORT: '0',
      ACCOUNT_GUARD_PORT: '0',
      IP_CHECKER_ADMIN_PORT: '0',
      LOGIN_HISTORY_ADMIN_PORT: '0',
      ACCOUNT_GUARD_ADMIN_PORT: '0',
    };
    suite = await startSuite({
      env,
      readyTimeoutMs: 90_000,
      // Silent unless TEST_LOG_LEVEL asks for the services' logs.
      onLine: (service, line) => process.env.TEST_LOG_LEVEL && console.log(`${service} | ${line}`),
    });
    web = await startWeb({
      ...env,
      LOGIN_HISTORY_URL: suite.url('login-history'),
      ACCOUNT_GUARD_URL: suite.url('account-guard'),
    });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    assessed = await MessageCollector.start(vhost.url, [
      { exchange: EVENTS_EXCHANGE, routingKey: LOGIN_ASSESSED },
    ]);

    // The many suspicious logins first, so theirs are the oldest decisions: the console's first
    // page of alerts shows the other accounts'.
    for (let i = 0; i < MANY_LOGINS; i++) {
      await publishLogin(MANY, IP.US, new Date(Date.now() - (40 - i) * 60_000).toISOString(), 'windows');
    }

    // The player: twenty logins at home over the last hour, then (once those are recorded, so
    // these are the newest whichever time login-history keeps) one from Japan and one from the US.
    const start = Date.now() - 60 * 60_000;
    const platforms = ['windows', 'android', 'ios', 'macos'];
    for (let i = 0; i < 20; i++) {
      await publishLogin(PLAYER, IP.KR, new Date(start + i * 60_000).toISOString(), platforms[i % 4]);
    }
    await waitUntil(
      async () => (await historyCount(PLAYER, playerToken)) === 20,
      60_000,
      'the player’s home logins',
    );
    await publishLogin(PLAYER, IP.JP, new Date(start + 25 * 60_000).toISOString(), 'android');
    await publishLogin(PLAYER, IP.US, new Date(start + 26 * 60_000).toISOString(), 'windows');

    // The account to unlock: policy lock, a login at home, then one from Japan that locks it.
    const put = await api('account-guard', `/v1/accounts/${LOCKED}/protection`, lockedToken, {
      method: 'PUT',
      body: JSON.stringify({ policy: 'lock', channels: ['in_game'] }),
    });
    expect(put.status).toBe(200);
    await publishLogin(LOCKED, IP.KR, new Date(Date.now() - 10 * 60_000).toISOString(), 'ios');
    await publishLogin(LOCKED, IP.JP, new Date(Date.now() - 5 * 60_000).toISOString(), 'android');
    const put2 = await api('account-guard', `/v1/accounts/${LOCKED2}/protection`, locked2Token, {
      method: 'PUT',
      body: JSON.stringify({ policy: 'lock', channels: ['in_game'] }),
    });
    expect(put2.status).toBe(200);
    await publishLogin(LOCKED2, IP.KR, new Date(Date.now() - 9 * 60_000).toISOString(), 'ios');
    await publishLogin(LOCKED2, IP.JP, new Date(Date.now() - 4 * 60_000).toISOString(), 'android');

    // The account that answers "not me": home, a wrong password from the US, then a US login
    // (now: after its token was issued, so "this was me" is offered too).
    await publishLogin(NOTME, IP.KR, new Date(Date.now() - 20 * 60_000).toISOString(), 'windows');
    await publishFailure(NOTME, IP.US, new Date(Date.now() - 60_000).toISOString());
    await publishLogin(NOTME, IP.US, new Date().toISOString(), 'android');
    const put3 = await api('account-guard', `/v1/accounts/${ME}/protection`, meToken, {
      method: 'PUT',
      body: JSON.stringify({ policy: 'lock', channels: ['in_game'] }),
    });
    expect(put3.status).toBe(200);
    await publishLogin(ME, IP.KR, new Date(Date.now() - 15 * 60_000).toISOString(), 'ios');
    await publishLogin(ME, IP.JP, new Date().toISOString(), 'ios');

    await waitUntil(
      async () => (await historyCount(PLAYER, playerToken)) === 22,
      60_000,
      'the player’s 22 logins',
    );
    // Every login assessed under the default policy before any test changes the player's settings.
    const assessedFor = (account: string) =>
      assessed!.of(LOGIN_ASSESSED).filter((m) => m.body.data.accountId === account);
    await waitUntil(() => assessedFor(PLAYER).length === 22, 60_000, 'the player’s 22 assessments');
    await waitUntil(() => assessedFor(LOCKED).length === 2, 60_000, 'the locked account’s assessments');
    await waitUntil(() => assessedFor(NOTME).length === 2, 60_000, 'the not-me account’s assessments');
    await waitUntil(() => assessedFor(ME).length === 2, 60_000, 'the it-was-me account’s assessments');
    await waitUntil(() => assessedFor(MANY).length === MANY_LOGINS, 60_000, 'the many logins’ assessments');
    await waitUntil(
      async () => (await api('account-guard', `/v1/accounts/${ME}/status`, meToken)).body.locked === true,
      60_000,
      'the it-was-me account to be locked',
    );
    await waitUntil(
      async () => {
        const { body } = await api('login-history', `/v1/accounts/${ME}/logins`, meToken);
        return body.items?.filter((i: { assessment?: unknown }) => i.assessment).length === 2;
      },
      60_000,
      'the it-was-me account’s history with outcomes',
    );
    // Listed with their outcomes: the failed attempt too, and both logins assessed.
    await waitUntil(
      async () => {
        const { status, body } = await api('login-history', `/v1/accounts/${NOTME}/logins`, notMeToken);
        return (
          status === 200 &&
          body.items.length === 3 &&
          body.items.filter((i: { assessment?: unknown }) => i.assessment).length === 2
        );
      },
      60_000,
      'the not-me account’s history with outcomes',
    );
    await waitUntil(
      async () => (await historyCount(LOCKED, lockedToken)) === 2,
      60_000,
      'the locked account’s logins',
    );
    await waitUntil(
      async () =>
        (await api('account-guard', `/v1/accounts/${LOCKED}/status`, lockedToken)).body.locked === true,
      60_000,
      'the account to be locked',
    );
    await waitUntil(
      async () =>
        (await api('account-guard', `/v1/accounts/${LOCKED2}/status`, locked2Token)).body.locked === true,
      60_000,
      'the second account to be locked',
    );
    mkdirSync(SCREENSHOTS, { recursive: true });
    if (UPDATE_DOCS) mkdirSync(DOC_SCREENSHOTS, { recursive: true });
  }, 240_000);

  /** The support console's alerts, every page of them ("More logins" until there is no more). */
  async function showAllAlerts(page: Page) {
    const section = page.getByTestId('alerts-section');
    const rows = section.locator('tbody tr');
    for (;;) {
      await section.and(page.locator('[aria-busy=false]')).waitFor();
      const more = section.getByRole('button', { name: 'More logins' });
      if ((await more.count()) === 0) return;
      const before = await rows.count();
      await more.click();
      await waitUntil(async () => (await rows.count()) > before, 10_000, 'the next page of alerts');
    }
  }

  /** A full-page screenshot in .tmp/screenshots; with UPDATE_DOCS=1 copied over docs/screenshots. */
  async function screenshot(page: Page, name: string): Promise<void> {
    const file = path.join(SCREENSHOTS, name);
    await page.screenshot({ path: file, fullPage: true });
    if (UPDATE_DOCS) copyFileSync(file, path.join(DOC_SCREENSHOTS, name));
  }

  afterAll(async () => {
    await assessed?.close();
    await browser?.close();
    await web?.stop();
    await suite?.stop();
    await historyDb?.drop();
    await guardDb?.drop();
    await vhost?.delete();
  }, 60_000);

  test('when a player opens their page with a #token link, then they see their login history with foreign logins highlighted, can page, reveal an IP and switch language', async () => {
    const { context, page } = await newPage();
    try {
      await page.goto(`${web!.url}/#token=${playerToken}`);
      const table = page.getByTestId('login-history');
      const rows = table.locator('tbody tr');
      await rows.nth(19).waitFor();
      expect(await rows.count()).toBe(20);

      // The token left the address bar and lives in this tab's sessionStorage.
      expect(page.url()).not.toContain('token');
      expect(await page.evaluate(() => sessionStorage.getItem('account-security.token'))).toBe(playerToken);
      expect(await page.getByTestId('signed-in-as').textContent()).toBe(`Signed in as ${PLAYER}`);
      expect(await page.getByTestId('lock-status').textContent()).toContain('Your account is not locked.');

      // The page shows the API's first page as it is: same logins, same order, same instants.
      const { body: apiPage } = await api(
        'login-history',
        `/v1/accounts/${PLAYER}/logins?limit=20`,
        playerToken,
      );
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-login-id')))).toEqual(
        apiPage.items.map((i: { id: string }) => i.id),
      );
      expect(
        await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('time').getAttribute('datetime'))),
      ).toEqual(apiPage.items.map((i: { loggedInAt: string }) => i.loggedInAt));

      // The logins from Japan and the United States are foreign for the default home country KR.
      // (By the country column: a signal's words may name the country of the login before.)
      const fromCountry = (name: string) =>
        rows.filter({ has: page.locator('td.country-cell', { hasText: name }) });
      expect(await fromCountry('Japan').count()).toBe(1);
      expect(await fromCountry('United States').count()).toBe(1);
      // Pinned by id: the country text changes with the language below.
      const byId = async (text: string) =>
        table.locator(`tr[data-login-id="${await fromCountry(text).getAttribute('data-login-id')}"]`);
      const japan = await byId('Japan');
      const usa = await byId('United States');
      expect(await japan.getAttribute('data-foreign')).toBe('true');
      expect(await japan.textContent()).toContain('🇯🇵 Japan (JP)');
      expect(await japan.textContent()).toContain('Foreign');
      expect(await usa.getAttribute('data-foreign')).toBe('true');
      expect(await usa.textContent()).toContain('🇺🇸 United States (US)');
      const home = fromCountry('South Korea');
      expect(await home.count()).toBe(18);
      expect(await home.first().getAttribute('data-foreign')).toBe('false');
      expect(await home.first().textContent()).toContain('🇰🇷 South Korea (KR)');
      expect(await table.locator('tbody tr[data-foreign=true]').count()).toBe(2);

      // SPEC §8 outcomes: both foreign logins are suspicious under the default policy, notified,
      // with the reason in words; the home ones are trusted. The player's token was issued after
      // them all, so "this was me" points to the notice's link instead of a button.
      expect(await japan.getAttribute('data-verdict')).toBe('suspicious');
      expect(await japan.getByTestId('verdict').textContent()).toBe('Suspicious');
      expect(await japan.getByTestId('signals').textContent()).toContain(
        'from Japan, neither the home country nor a trusted one',
      );
      expect(await japan.getByTestId('actions').textContent()).toContain('Notified by');
      expect(await usa.getByTestId('signals').textContent()).toContain('after a login in Japan');
      expect(await usa.getByTestId('signals').textContent()).toMatch(
        /after a login in Japan, [\d,]+ km away/,
      );
      expect(await home.first().getAttribute('data-verdict')).toBe('trusted');
      expect(await home.first().getByTestId('verdict').textContent()).toBe('Trusted');
      expect(await japan.getByRole('button', { name: /This wasn’t me/ }).count()).toBe(1);
      expect(await japan.getByRole('button', { name: /This was me/ }).count()).toBe(0);
      expect(await japan.textContent()).toContain('Use the link in the email or text message');
      expect(
        await home
          .first()
          .getByRole('button', { name: /This wasn’t me/ })
          .count(),
      ).toBe(0);

      // Times are in the browser's zone (Seoul), and the zone is named.
      expect(await rows.first().locator('time').textContent()).toContain('GMT+9');
      expect(await page.getByText('Times are shown in your time zone (Asia/Seoul).').count()).toBe(1);

      // IPs are masked until asked for.
      expect(await japan.getByTestId('ip').textContent()).toBe('133.0.*.*');
      await japan.getByRole('button', { name: /Show the full IP address/ }).click();
      expect(await japan.getByTestId('ip').textContent()).toBe(IP.JP);
      expect(
        await japan.getByRole('button', { name: /Hide the full IP address/ }).getAttribute('aria-pressed'),
      ).toBe('true');
      expect(await usa.getByTestId('ip').textContent()).toBe('8.8.*.*');
      expect(await japan.textContent()).toContain('android');

      await screenshot(page, 'player.png');

      // Paging with nextCursor: the last two home logins come on the next page, then the end.
      await page.getByRole('button', { name: 'Load older logins' }).click();
      await rows.nth(21).waitFor();
      expect(await rows.count()).toBe(22);
      await page.getByText('That is the whole history.').waitFor();
      expect(await page.getByRole('button', { name: 'Load older logins' }).count()).toBe(0);
      expect(await page.getByTestId('status').textContent()).toBe('Loaded 2 older logins.');

      // The home country is a page setting: from Japan's point of view the home logins are foreign.
      await page.getByLabel('Home country').selectOption('JP');
      expect(await japan.getAttribute('data-foreign')).toBe('false');
      expect(await table.locator('tbody tr[data-foreign=true]').count()).toBe(21);
      await page.getByLabel('Home country').selectOption('KR');
      expect(await table.locator('tbody tr[data-foreign=true]').count()).toBe(2);

      // Korean: labels and country names follow, and the document says so.
      await page.getByLabel('Language', { exact: true }).selectOption('ko');
      await page.getByRole('heading', { name: '로그인 기록' }).waitFor();
      expect(await japan.textContent()).toContain('일본');
      expect(await japan.getByTestId('verdict').textContent()).toBe('의심스러움');
      expect(await japan.getByTestId('signals').textContent()).toContain(
        '일본에서 로그인, 거주 국가도 신뢰 국가도 아님',
      );
      expect(await japan.getByRole('button', { name: /본인이 아닙니다/ }).count()).toBe(1);
      expect(await rows.count()).toBe(22);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('ko');
      await page.getByLabel('언어', { exact: true }).selectOption('en');
      await page.getByRole('heading', { name: 'Login history' }).waitFor();
    } finally {
      await context.close();
    }
  });

  test('when a player changes their protection settings, then an invalid form shows the API’s reason and a valid one is saved', async () => {
    const { context, page } = await newPage();
    try {
      await page.goto(`${web!.url}/#token=${playerToken}`);
      const form = page.getByTestId('protection-form');
      await form.waitFor();
      await page.getByLabel('Notify me and lock my account').check();
      await page.getByLabel('Email', { exact: true }).check();
      await page.getByLabel('Email address').fill('');
      await page.getByRole('button', { name: 'Save settings' }).click();
      // account-guard needs an address for the email channel, and says which field.
      await form.getByRole('alert').waitFor();
      expect(await form.getByRole('alert').textContent()).toContain('body.email');

      await page.getByLabel('Email address').fill('player@example.com');
      await page.getByLabel('In-game message').uncheck();
      await page.getByLabel('Add a trusted country').selectOption('US');
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      expect(await page.getByTestId('trusted-countries').textContent()).toContain('United States');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByTestId('status').getByText('Your protection settings were saved.').waitFor();
      expect(await form.getByRole('alert').count()).toBe(0);

      const { body } = await api('account-guard', `/v1/accounts/${PLAYER}/protection`, playerToken);
      expect(body).toMatchObject({
        policy: 'lock',
        channels: ['email'],
        email: 'player@example.com',
        trustedCountries: ['US'],
      });

      // What was saved is what the page shows after a reload.
      await page.reload();
      await form.waitFor();
      expect(await page.getByLabel('Notify me and lock my account').isChecked()).toBe(true);
      expect(await page.getByLabel('In-game message').isChecked()).toBe(false);
      expect(await page.getByLabel('Email address').inputValue()).toBe('player@example.com');
    } finally {
      await context.close();
    }
  });

  test('when a player adds a travel pass, then a wrong one is explained field by field, and a saved one is there after a reload', async () => {
    const { context, page } = await newPage();
    // Days as the browser (Seoul) sees them.
    const day = (offset: number) =>
      new Date(Date.now() + offset * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Seoul' });
    try {
      await page.goto(`${web!.url}/#token=${playerToken}`);
      const passes = page.getByTestId('travel-passes');
      await passes.waitFor();
      expect(await passes.textContent()).toContain('No travel passes.');

      // Nothing filled in: every field says what it needs, and the first one has the focus.
      await passes.getByRole('button', { name: 'Add travel pass' }).click();
      const text = await passes.textContent();
      expect(text).toContain('Country: choose the country you are travelling to.');
      expect(text).toContain('From: enter the first day of the trip.');
      expect(text).toContain('Until: enter the last day of the trip.');
      expect(await passes.getByLabel('Country').getAttribute('aria-invalid')).toBe('true');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe(
        await passes.getByLabel('Country').getAttribute('id'),
      );

      // Longer than the server allows: refused here already, naming the field.
      await passes.getByLabel('Country').selectOption('JP');
      await passes.getByLabel('From (first day)').fill(day(1));
      await passes.getByLabel('Until (last day)').fill(day(120));
      await passes.getByRole('button', { name: 'Add travel pass' }).click();
      expect(await passes.textContent()).toContain('Until: a travel pass can last at most 90 days.');
      expect(await passes.getByLabel('Until (last day)').getAttribute('aria-invalid')).toBe('true');
      expect(await passes.getByTestId('travel-pass-list').count()).toBe(0);

      await passes.getByLabel('Until (last day)').fill(day(14));
      await passes.getByRole('button', { name: 'Add travel pass' }).click();
      const list = passes.getByTestId('travel-pass-list');
      await list.waitFor();
      expect(await list.locator('li').count()).toBe(1);
      expect(await list.textContent()).toContain('Japan');
      expect(await list.textContent()).toContain('upcoming');
      await page.getByTestId('status').getByText('Travel pass for Japan added.').waitFor();
      await screenshot(page, 'travel-passes.png');

      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByTestId('status').getByText('Your protection settings were saved.').waitFor();
      const { body } = await api('account-guard', `/v1/accounts/${PLAYER}/protection`, playerToken);
      expect(body.travelPasses).toHaveLength(1);
      expect(body.travelPasses[0].country).toBe('JP');
      // Whole days in the player's zone: from the start of the first day to the end of the last.
      expect(new Date(body.travelPasses[0].from).toLocaleString('sv-SE', { timeZone: 'Asia/Seoul' })).toBe(
        `${day(1)} 00:00:00`,
      );
      expect(new Date(body.travelPasses[0].until).toLocaleString('sv-SE', { timeZone: 'Asia/Seoul' })).toBe(
        `${day(14)} 23:59:59`,
      );

      await page.reload();
      await list.waitFor();
      expect(await list.locator('li').count()).toBe(1);
      expect(await list.textContent()).toContain('Japan');
      expect(await list.locator('time').first().getAttribute('datetime')).toBe(body.travelPasses[0].from);
    } finally {
      await context.close();
    }
  });

  test('when a locked player pastes their token, then the page says what happened and how to unlock, and settings are read-only', async () => {
    const { context, page } = await newPage();
    try {
      await page.goto(`${web!.url}/`);
      await page.getByLabel('Access token (JWT)').fill(lockedToken);
      await page.getByRole('button', { name: 'Use this token' }).click();
      const notice = page.getByTestId('lock-status');
      await notice.getByRole('heading', { name: 'Your account is locked' }).waitFor();
      const text = await notice.textContent();
      expect(text).toContain('Reason: suspicious login from Japan');
      expect(text).toContain('one-time unlock link');
      expect(text).toContain('contact customer support');
      expect(await page.evaluate(() => sessionStorage.getItem('account-security.token'))).toBe(lockedToken);
      await page.getByTestId('protection-form').waitFor();
      expect(await page.getByRole('button', { name: 'Save settings' }).isDisabled()).toBe(true);
      expect(await page.getByText('only support staff can change these settings').count()).toBe(1);
    } finally {
      await context.close();
    }
  });

  test('when a player says a login was not them, then the page says what will happen, and after confirming the account is locked', async () => {
    const { context, page } = await newPage();
    try {
      await page.goto(`${web!.url}/#token=${notMeToken}`);
      const table = page.getByTestId('login-history');
      const rows = table.locator('tbody tr');
      await rows.nth(2).waitFor();
      expect(await rows.count()).toBe(3);
      expect(await page.getByTestId('lock-status').textContent()).toContain('Your account is not locked.');

      // The failed attempt is listed with its reason; the home login is trusted and offers nothing.
      const failed = table.locator('tr[data-result=failed]');
      expect(await failed.count()).toBe(1);
      expect(await failed.getByTestId('result').textContent()).toBe('Failed attempt: wrong password');
      expect(await failed.getByRole('button').filter({ hasText: /This/ }).count()).toBe(0);
      const login = table.locator('tr[data-result=succeeded][data-verdict=suspicious]');
      expect(await login.count()).toBe(1);
      expect(await login.textContent()).toContain('United States');
      expect(await login.getByTestId('signals').textContent()).toContain(
        'from United States, neither the home country nor a trusted one',
      );
      // The token is older than this login: both answers are offered.
      const notMe = login.getByRole('button', { name: /This wasn’t me/ });
      expect(await login.getByRole('button', { name: /This was me/ }).count()).toBe(1);
      await screenshot(page, 'player-outcomes.png');

      // The confirmation says what "not me" does; Cancel (the default) changes nothing.
      await notMe.click();
      const dialog = page.getByTestId('not-me-dialog');
      await dialog.waitFor();
      const words = await dialog.textContent();
      expect(words).toContain('your account is locked at once');
      expect(words).toContain('every session of your account is signed out');
      expect(words).toContain('you must choose a new password the next time you log in');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
      await screenshot(page, 'player-not-me-confirm.png');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('This wasn’t me');
      expect((await api('account-guard', `/v1/accounts/${NOTME}/status`, notMeToken)).body.locked).toBe(
        false,
      );

      await notMe.click();
      await dialog.getByRole('button', { name: 'Lock my account' }).click();
      await dialog.waitFor({ state: 'detached' });
      const note = login.getByTestId('answer-note');
      await note.waitFor();
      expect(await note.textContent()).toContain('your account is locked, every session was signed out');
      // Focus moves to what happened (the button pressed is gone), and it is announced.
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
        'answer-note',
      );
      await page.getByTestId('status').getByText('Done: your account is locked').waitFor();
      expect(await login.getByTestId('answer').textContent()).toBe('You said: it wasn’t you');
      expect(await login.getByRole('button', { name: /This wasn’t me/ }).count()).toBe(0);
      // The lock notice follows, and the settings are read-only now.
      const notice = page.getByTestId('lock-status');
      await notice.getByRole('heading', { name: 'Your account is locked' }).waitFor();
      expect(await notice.textContent()).toContain('Reason: a sign-in was reported as “not me”');
      expect(await notice.textContent()).toContain('only customer support can unlock the account');
      expect(await page.getByRole('button', { name: 'Save settings' }).isDisabled()).toBe(true);
      expect((await api('account-guard', `/v1/accounts/${NOTME}/status`, notMeToken)).body.locked).toBe(true);

      // login-history learns the answer (login.reported): after a reload it is the API's.
      await waitUntil(
        async () => {
          const { body } = await api('login-history', `/v1/accounts/${NOTME}/logins`, notMeToken);
          return body.items.some((i: any) => i.assessment?.answer === 'not_me');
        },
        30_000,
        'the answer in the history',
      );
      await page.reload();
      await table.locator('tr[data-answer=not_me]').waitFor();
      expect(await table.locator('tr[data-answer=not_me]').getByTestId('answer').textContent()).toBe(
        'You said: it wasn’t you',
      );

      // Support sees the answer in the alerts and in the account's history.
      const staff = await context.newPage();
      await staff.goto(`${web!.url}/support#token=${supportToken}`);
      await showAllAlerts(staff);
      const alert = staff
        .getByTestId('alerts')
        .locator('tbody tr', { has: staff.getByRole('link', { name: `Open account ${NOTME}` }) });
      expect(await alert.getByTestId('alert-answer').textContent()).toBe('Player said: it wasn’t them');
      await staff
        .getByTestId('locked-accounts')
        .getByRole('link', { name: `Open account ${NOTME}` })
        .click();
      const answered = staff.locator('[data-testid=login-history] tr[data-answer=not_me]');
      await answered.waitFor();
      expect(await answered.getByTestId('answer').textContent()).toBe('Player said: it wasn’t them');
    } finally {
      await context.close();
    }
  });

  test('when a player confirms a login was them, then the account it locked is unlocked and the country gets a travel pass', async () => {
    const { context, page } = await newPage();
    try {
      await page.goto(`${web!.url}/#token=${meToken}`);
      const notice = page.getByTestId('lock-status');
      await notice.getByRole('heading', { name: 'Your account is locked' }).waitFor();
      const login = page.locator('[data-testid=login-history] tr[data-verdict=suspicious]');
      await login.waitFor();
      expect(await login.getByTestId('actions').textContent()).toContain('Account locked');
      await page.getByTestId('travel-passes').getByText('No travel passes.').waitFor();

      await login.getByRole('button', { name: /This was me/ }).click();
      const note = login.getByTestId('answer-note');
      await note.waitFor();
      const said = await note.textContent();
      expect(said).toContain('this sign-in’s device and network are now remembered');
      expect(said).toMatch(/Japan has a travel pass until \w+ \d+, \d{4}\./);
      expect(said).toContain('Your account was unlocked.');
      expect(await login.getByTestId('answer').textContent()).toBe('You said: it was you');
      expect(await login.getByRole('button', { name: /This wasn’t me/ }).count()).toBe(0);
      // The lock notice and the settings follow: unlocked, and the granted pass is in the form.
      await notice.getByText('Your account is not locked.').waitFor();
      await page.getByTestId('travel-pass-list').getByText('Japan').waitFor();
      expect(await page.getByRole('button', { name: 'Save settings' }).isDisabled()).toBe(false);

      const status = await api('account-guard', `/v1/accounts/${ME}/status`, meToken);
      expect(status.body.locked).toBe(false);
      const { body } = await api('account-guard', `/v1/accounts/${ME}/protection`, meToken);
      expect(body.travelPasses).toEqual([expect.objectContaining({ country: 'JP' })]);
    } finally {
      await context.close();
    }
  });

  test('when support staff look up a locked account, then they see why it is locked and can unlock it only with a reason, which the audit trail records', async () => {
    const { context, page } = await newPage();
    try {
      await page.goto(`${web!.url}/support#token=${supportToken}`);
      await page.getByLabel('Account ID').fill(LOCKED);
      await page.getByLabel('Account ID').press('Enter');
      const panel = page.getByTestId('account-panel');
      await panel.getByTestId('lock-state').getByText('Locked', { exact: true }).waitFor();
      expect(await panel.getByTestId('lock-reason').textContent()).toContain('suspicious login from Japan');
      expect(new URL(page.url()).searchParams.get('account')).toBe(LOCKED);

      // Recent logins, foreign one highlighted; settings read-only; the lock in the audit trail.
      await panel.locator('[data-testid=login-history] tbody tr[data-foreign=true]').first().waitFor();
      expect(await panel.locator('[data-testid=login-history] tbody tr').count()).toBe(2);
      expect(await panel.getByTestId('protection-summary').textContent()).toContain('lock');
      const audit = panel.getByTestId('audit-trail');
      await audit.locator('tr[data-action=account_locked]').waitFor();
      expect(await audit.locator('tr[data-action=account_locked]').textContent()).toContain('System');

      // No reason, no unlock: the form says so and nothing is sent.
      await panel.getByRole('button', { name: 'Unlock account' }).click();
      expect(await panel.getByRole('alert').textContent()).toBe('Enter the reason for unlocking.');
      expect((await api('account-guard', `/v1/accounts/${LOCKED}/status`, supportToken)).body.locked).toBe(
        true,
      );

      const reason = 'Player verified by phone, ticket 4711';
      await panel.getByLabel(/Reason for unlocking/).fill(reason);
      await screenshot(page, 'support.png');
      await panel.getByRole('button', { name: 'Unlock account' }).click();

      await page.getByTestId('status').getByText(`Account ${LOCKED} was unlocked.`).waitFor();
      await panel.getByTestId('lock-state').getByText('Not locked').waitFor();
      const unlockedRow = audit.locator('tr[data-action=account_unlocked]');
      await unlockedRow.waitFor();
      expect(await unlockedRow.textContent()).toContain(`Support staff ${STAFF}`);
      expect(await unlockedRow.textContent()).toContain(reason);

      const status = await api('account-guard', `/v1/accounts/${LOCKED}/status`, supportToken);
      expect(status.body.locked).toBe(false);
      const trail = await api('account-guard', `/v1/accounts/${LOCKED}/audit`, supportToken);
      expect(trail.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ action: 'account_unlocked', actor: `support:${STAFF}`, reason }),
        ]),
      );
    } finally {
      await context.close();
    }
  });

  test('when support staff open the console, then locked accounts and recent alerts are listed, and a locked account opens from the list and is unlocked', async () => {
    const { context, page } = await newPage();
    try {
      await page.goto(`${web!.url}/support#token=${supportToken}`);
      const home = page.getByTestId('support-home');
      const locked = home.getByTestId('locked-accounts');
      await locked.waitFor();
      // LOCKED was unlocked by the test before; LOCKED2 is still locked by its Japanese login.
      const row = locked.locator(`tr[data-account="${LOCKED2}"]`);
      expect(await row.count()).toBe(1);
      expect(await row.textContent()).toContain('suspicious login from Japan');
      expect(await row.textContent()).toContain('System');
      expect(await locked.locator(`tr[data-account="${LOCKED}"]`).count()).toBe(0);

      // The alerts: the accounts' suspicious logins, with the signals in words and the answers.
      const alerts = home.getByTestId('alerts');
      await alerts.waitFor();
      // Keyset paging: a first page of 20, then "More logins" brings the rest, each login once,
      // in the API's order.
      expect(await alerts.locator('tbody tr').count()).toBe(20);
      expect(await home.getByRole('button', { name: 'More logins' }).count()).toBe(1);
      await screenshot(page, 'support-home.png');
      await showAllAlerts(page);
      await page
        .getByTestId('status')
        .getByText(/^Loaded \d+ more\.$/)
        .waitFor();
      const all: string[] = [];
      for (let cursor: string | null = null, first = true; first || cursor; first = false) {
        const res = await api(
          'account-guard',
          `/v1/logins/suspicious?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          supportToken,
        );
        all.push(...res.body.items.map((i: { loginEventId: string }) => i.loginEventId));
        cursor = res.body.nextCursor;
      }
      expect(all.length).toBeGreaterThan(20);
      expect(
        await alerts
          .locator('tbody tr')
          .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-login-event-id'))),
      ).toEqual(all);
      const alertsOf = (account: string) =>
        alerts.locator('tbody tr', { has: page.getByRole('link', { name: `Open account ${account}` }) });
      expect(await alertsOf(LOCKED2).count()).toBe(1);
      expect(await alertsOf(LOCKED2).getAttribute('data-verdict')).toBe('suspicious');
      expect(await alertsOf(LOCKED2).textContent()).toContain(
        'from Japan, neither the home country nor a trusted one',
      );
      expect(await alertsOf(PLAYER).count()).toBe(2);
      expect(await alertsOf(PLAYER).first().getByTestId('alert-answer').textContent()).toBe('no answer yet');
      const playerAlertTexts = await alertsOf(PLAYER).allTextContents();
      expect(playerAlertTexts.some((row) => /after a login in Japan, [\d,]+ km away/.test(row))).toBe(true);

      // Opening from the list: the account view, its heading focused, the address naming it.
      await row.getByRole('link', { name: `Open account ${LOCKED2}` }).click();
      const panel = page.getByTestId('account-panel');
      await panel.getByTestId('lock-state').getByText('Locked', { exact: true }).waitFor();
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(`Account ${LOCKED2}`);
      expect(new URL(page.url()).searchParams.get('account')).toBe(LOCKED2);
      const history = panel.getByTestId('login-history');
      await history.locator('tr[data-verdict=suspicious]').waitFor();
      // Support reads outcomes; answering is the player's.
      expect(await history.getByRole('button', { name: /This wasn’t me/ }).count()).toBe(0);

      await panel
        .getByLabel(/Reason for unlocking/)
        .fill('Player called from the registered phone, ticket 4712');
      await panel.getByRole('button', { name: 'Unlock account' }).click();
      await panel.getByTestId('lock-state').getByText('Not locked').waitFor();
      expect((await api('account-guard', `/v1/accounts/${LOCKED2}/status`, supportToken)).body.locked).toBe(
        false,
      );

      // Back on the lists (fetched afresh), the account is no longer locked.
      await page.getByRole('button', { name: 'Back to locked accounts and alerts' }).click();
      await home.waitFor();
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Needs attention');
      expect(new URL(page.url()).searchParams.get('account')).toBeNull();
      await home.getByTestId('locked-section').and(page.locator('[aria-busy=false]')).waitFor();
      expect(await home.locator(`tr[data-account="${LOCKED2}"]`).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  test('when a player opens the support console, then it says the support role is required and shows nothing else', async () => {
    const { context, page } = await newPage();
    try {
      await page.goto(`${web!.url}/support#token=${playerToken}`);
      const notice = page.getByTestId('support-required');
      await notice.waitFor();
      expect(await notice.getByRole('heading').textContent()).toBe('Support role required');
      expect(await page.getByLabel('Account ID').count()).toBe(0);
      expect(await page.locator('table').count()).toBe(0);
      // The console's restraint is a courtesy: the API itself refuses the player too.
      const res = await page.evaluate(
        async ([account, token]) =>
          (
            await fetch(`/api/guard/v1/accounts/${account}/audit`, {
              headers: { authorization: `Bearer ${token}` },
            })
          ).status,
        [LOCKED, playerToken],
      );
      expect(res).toBe(403);
    } finally {
      await context.close();
    }
  });

  test('when the APIs reject the token, then the page forgets it and asks for a new one', async () => {
    const { context, page } = await newPage();
    try {
      const forged = signToken({ sub: PLAYER }, { secret: 'not-the-suite-secret-not-the-suite-secret' });
      await page.goto(`${web!.url}/#token=${forged}`);
      await page.getByText('The server did not accept your token. Paste a new one.').waitFor();
      expect(await page.getByLabel('Access token (JWT)').count()).toBe(1);
      expect(await page.evaluate(() => sessionStorage.getItem('account-security.token'))).toBeNull();
    } finally {
      await context.close();
    }
  });

  test('when the pages are used with a keyboard and a screen reader, then every control is labelled, landmarks exist and the skip link leads to the content', async () => {
    const { context, page } = await newPage();
    try {
      const check = async () => {
        const report = await page.evaluate(() => {
          const controls = [...document.querySelectorAll('input, select, textarea, button')] as any[];
          const unlabelled = controls
            .filter((el) => {
              const labels = el.labels;
              return !(
                (labels && labels.length > 0) ||
                el.getAttribute('aria-label') ||
                el.getAttribute('aria-labelledby') ||
                (el.tagName === 'BUTTON' && el.textContent?.trim())
              );
            })
            .map((el) => el.outerHTML.slice(0, 80));
          return {
            unlabelled,
            banner: document.querySelectorAll('header').length,
            main: document.querySelectorAll('main').length,
            footer: document.querySelectorAll('footer').length,
            live: document.querySelectorAll('[role=status][aria-live=polite]').length,
            h1: document.querySelectorAll('h1').length,
          };
        });
        expect(report).toEqual({ unlabelled: [], banner: 1, main: 1, footer: 1, live: 1, h1: 1 });
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
        await page.keyboard.press('Enter');
        expect(await page.evaluate(() => location.hash)).toBe('#main');
      };

      await page.goto(`${web!.url}/#token=${playerToken}`);
      await page.getByTestId('protection-form').waitFor();
      await page.locator('[data-testid=login-history] tbody tr').first().waitFor();
      await check();

      await page.goto(`${web!.url}/support?account=${LOCKED}#token=${supportToken}`);
      // Signed in as the player, the support link asks before it replaces the session.
      await page.getByRole('dialog').waitFor();
      await page.getByRole('button', { name: 'Use the token in the link' }).click();
      await page.getByTestId('audit-trail').waitFor();
      await check();
      // The lookup works from the keyboard alone.
      await page.getByLabel('Account ID').focus();
      await page.keyboard.press('Control+A');
      await page.keyboard.type(PLAYER);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: `Account ${PLAYER}` }).waitFor();

      // The console's home: both lists, their links and the period picker.
      await page.goto(`${web!.url}/support`);
      await page.getByTestId('alerts').waitFor();
      await page.getByTestId('locked-section').and(page.locator('[aria-busy=false]')).waitFor();
      await check();
    } finally {
      await context.close();
    }
  });
});
