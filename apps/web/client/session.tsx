import { createContext, ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { TokenClaims, decodeToken, isExpired } from './lib/jwt';
import {
  forgetToken,
  fragmentWithoutToken,
  readStoredToken,
  storeToken,
  tokenFromFragment,
} from './lib/token-source';

export type TokenProblem = 'malformed' | 'expired' | 'rejected' | 'forgotten' | null;

interface Session {
  token: string | null;
  claims: TokenClaims | null;
  problem: TokenProblem;
  /** Takes a pasted token; returns the problem if it cannot be used. */
  signIn(token: string): TokenProblem;
  signOut(): void;
  /** The API answered 401: the token is useless, ask for a new one. */
  reject(): void;
}

interface State {
  token: string | null;
  claims: TokenClaims | null;
  problem: TokenProblem;
}

function evaluate(token: string | null): State {
  if (!token) return { token: null, claims: null, problem: null };
  const claims = decodeToken(token);
  if (!claims) return { token: null, claims: null, problem: 'malformed' };
  if (isExpired(claims)) return { token: null, claims: null, problem: 'expired' };
  return { token: token.trim(), claims, problem: null };
}

/**
 * A `#token=…` fragment wins over a stored token; it is moved into sessionStorage and removed from
 * the address bar at once so it does not linger in history, bookmarks or screenshots.
 */
function initialState(): State {
  const fromFragment = tokenFromFragment(window.location.hash);
  if (fromFragment) {
    const { pathname, search, hash } = window.location;
    window.history.replaceState(window.history.state, '', pathname + search + fragmentWithoutToken(hash));
  }
  const state = evaluate(fromFragment ?? readStoredToken(sessionStorage));
  if (state.token) storeToken(sessionStorage, state.token);
  else forgetToken(sessionStorage);
  return state;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>(initialState);
  const signIn = useCallback((token: string) => {
    const next = evaluate(token);
    if (next.token) storeToken(sessionStorage, next.token);
    setState(next.token ? next : { ...next, problem: next.problem ?? 'malformed' });
    return next.token ? null : (next.problem ?? 'malformed');
  }, []);
  const signOut = useCallback(() => {
    forgetToken(sessionStorage);
    setState({ token: null, claims: null, problem: 'forgotten' });
  }, []);
  const reject = useCallback(() => {
    forgetToken(sessionStorage);
    setState({ token: null, claims: null, problem: 'rejected' });
  }, []);
  const value = useMemo(() => ({ ...state, signIn, signOut, reject }), [state, signIn, signOut, reject]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
