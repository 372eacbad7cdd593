/**
 * Where the page's token comes from: a `#token=…` fragment (never sent to the server, so it stays
 * out of access logs), or what the user pasted; kept in sessionStorage so it dies with the tab.
 */
export const TOKEN_STORAGE_KEY = 'account-security.token';

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The token in a location hash such as `#token=abc` or `#lang=ko&token=abc`, else null. */
export function tokenFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token')?.trim();
  return token ? token : null;
}

/** The same hash without its token (other parameters kept), '' when nothing is left. */
export function fragmentWithoutToken(hash: string): string {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  params.delete('token');
  const rest = params.toString();
  return rest ? `#${rest}` : '';
}

export const readStoredToken = (store: KeyValueStore) => store.getItem(TOKEN_STORAGE_KEY);
export const storeToken = (store: KeyValueStore, token: string) =>
  store.setItem(TOKEN_STORAGE_KEY, token.trim());
export const forgetToken = (store: KeyValueStore) => store.removeItem(TOKEN_STORAGE_KEY);

/**
 * What a page opened with a `#token=` link does, given the link's token (null: the link holds none
 * that can be used) and the session's usable token:
 * - `keep`: no link, a link with the session's own token, or an unusable link while signed in
 *   (a broken or expired link does not end a working session);
 * - `adopt`: nobody is signed in, so the link signs in (its problem, if any, is shown);
 * - `ask`: a different token would replace a signed-in session. A link is easy to send to
 *   someone else, so the player confirms before acting under another account's token.
 */
export type LinkDecision = 'keep' | 'adopt' | 'ask';

export function decideLinkToken(link: { token: string | null } | null, session: string | null): LinkDecision {
  if (!link) return 'keep';
  if (!session) return 'adopt';
  if (!link.token || link.token.trim() === session.trim()) return 'keep';
  return 'ask';
}
