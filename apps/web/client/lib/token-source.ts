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
