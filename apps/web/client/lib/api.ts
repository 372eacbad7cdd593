/**
 * The public HTTP APIs, reached through this web server's proxies: /api/history → login-history,
 * /api/guard → account-guard. The page holds no authority of its own: every call carries the
 * user's Bearer token and the services decide what it may see or do. The answers' types are the
 * services' own contracts, so the page cannot drift from what they send.
 */
import type {
  AlertPage,
  AuditPage,
  ErrorBody,
  FeedbackRequest,
  FeedbackResult,
  LockedAccountPage,
  LockStatus,
  LoginPage,
  Protection,
  ProtectionView,
} from '@account-security/shared/contracts';

/** An API answer other than 2xx, in the suite's `{error: {code, message}}` shape; status 0 = unreachable. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const seg = encodeURIComponent;

async function request<T>(
  token: string,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${token}` };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      cache: 'no-store',
    });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', (err as Error).message);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    // Checked field by field all the same: what answers may not be the service (a proxy, a crash).
    const e = (body as Partial<ErrorBody> | undefined)?.error;
    throw new ApiError(
      res.status,
      typeof e?.code === 'string' ? e.code : `HTTP_${res.status}`,
      typeof e?.message === 'string' ? e.message : res.statusText || 'request failed',
    );
  }
  return body as T;
}

export function createApi(token: string) {
  return {
    logins: (accountId: string, opts: { limit?: number; cursor?: string | null } = {}) => {
      const q = new URLSearchParams({ limit: String(opts.limit ?? 20) });
      if (opts.cursor) q.set('cursor', opts.cursor);
      return request<LoginPage>(token, `/api/history/v1/accounts/${seg(accountId)}/logins?${q}`);
    },
    protection: (accountId: string) =>
      request<ProtectionView>(token, `/api/guard/v1/accounts/${seg(accountId)}/protection`),
    saveProtection: (accountId: string, p: Protection) =>
      request<ProtectionView>(token, `/api/guard/v1/accounts/${seg(accountId)}/protection`, {
        method: 'PUT',
        body: p,
      }),
    status: (accountId: string) =>
      request<LockStatus>(token, `/api/guard/v1/accounts/${seg(accountId)}/status`),
    unlock: (accountId: string, reason: string) =>
      request<unknown>(token, `/api/guard/v1/accounts/${seg(accountId)}/unlock`, {
        method: 'POST',
        body: { reason },
      }),
    audit: (accountId: string, opts: { limit?: number; cursor?: string | null } = {}) => {
      const q = new URLSearchParams({ limit: String(opts.limit ?? 50) });
      if (opts.cursor) q.set('cursor', opts.cursor);
      return request<AuditPage>(token, `/api/guard/v1/accounts/${seg(accountId)}/audit?${q}`);
    },
    /** SPEC §8: the player's (or support's) answer about one of the account's logins. */
    feedback: (accountId: string, loginEventId: string, answer: FeedbackRequest['answer']) =>
      request<FeedbackResult>(
        token,
        `/api/guard/v1/accounts/${seg(accountId)}/logins/${seg(loginEventId)}/feedback`,
        { method: 'POST', body: { answer } satisfies FeedbackRequest },
      ),
    /** SPEC §9 (support): locked accounts, newest lock first. */
    lockedAccounts: (opts: { limit?: number; cursor?: string | null } = {}) => {
      const q = new URLSearchParams({ locked: 'true', limit: String(opts.limit ?? 20) });
      if (opts.cursor) q.set('cursor', opts.cursor);
      return request<LockedAccountPage>(token, `/api/guard/v1/accounts?${q}`);
    },
    /** SPEC §9 (support): unusual and suspicious logins across accounts since `since`, newest first. */
    alerts: (opts: { since: string; limit?: number; cursor?: string | null }) => {
      const q = new URLSearchParams({ since: opts.since, limit: String(opts.limit ?? 20) });
      if (opts.cursor) q.set('cursor', opts.cursor);
      return request<AlertPage>(token, `/api/guard/v1/logins/suspicious?${q}`);
    },
  };
}

export type Api = ReturnType<typeof createApi>;
