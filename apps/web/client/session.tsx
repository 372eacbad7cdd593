import {
  createContext,
  ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useI18n } from './i18n/I18nContext';
import { TokenClaims, decodeToken, isExpired } from './lib/jwt';
import {
  decideLinkToken,
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

interface Start {
  session: State;
  /** A `#token=` link's token waiting for the player's answer; held in memory only. */
  pendingLink: State | null;
}

function evaluate(token: string | null): State {
  if (!token) return { token: null, claims: null, problem: null };
  const claims = decodeToken(token);
  if (!claims) return { token: null, claims: null, problem: 'malformed' };
  if (isExpired(claims)) return { token: null, claims: null, problem: 'expired' };
  return { token: token.trim(), claims, problem: null };
}

/**
 * A `#token=…` fragment is removed from the address bar at once so it does not linger in history,
 * bookmarks or screenshots. It signs in when nobody is signed in; a different token than the
 * signed-in one waits for the player's confirmation (decideLinkToken).
 */
function initialState(): Start {
  const fromFragment = tokenFromFragment(window.location.hash);
  if (fromFragment) {
    const { pathname, search, hash } = window.location;
    window.history.replaceState(window.history.state, '', pathname + search + fragmentWithoutToken(hash));
  }
  const stored = evaluate(readStoredToken(sessionStorage));
  const link = fromFragment ? evaluate(fromFragment) : null;
  const decision = decideLinkToken(link, stored.token);
  const state = decision === 'adopt' ? link! : stored;
  if (state.token) storeToken(sessionStorage, state.token);
  else forgetToken(sessionStorage);
  return { session: state, pendingLink: decision === 'ask' ? link : null };
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [start] = useState(initialState);
  const [state, setState] = useState<State>(start.session);
  const [pendingLink, setPendingLink] = useState<State | null>(start.pendingLink);
  const signIn = useCallback((token: string) => {
    const next = evaluate(token);
    if (next.token) storeToken(sessionStorage, next.token);
    setState(next.token ? next : { ...next, problem: next.problem ?? 'malformed' });
    return next.token ? null : (next.problem ?? 'malformed');
  }, []);
  // A question about replacing a session that has ended would come back, out of place, at the
  // next sign-in; the link's token is dropped with the session.
  const signOut = useCallback(() => {
    forgetToken(sessionStorage);
    setPendingLink(null);
    setState({ token: null, claims: null, problem: 'forgotten' });
  }, []);
  const reject = useCallback(() => {
    forgetToken(sessionStorage);
    setPendingLink(null);
    setState({ token: null, claims: null, problem: 'rejected' });
  }, []);
  const value = useMemo(() => ({ ...state, signIn, signOut, reject }), [state, signIn, signOut, reject]);
  const answer = (takeLink: boolean) => {
    if (takeLink && pendingLink?.token) signIn(pendingLink.token);
    setPendingLink(null);
  };
  return (
    <SessionContext.Provider value={value}>
      {pendingLink && state.claims && pendingLink.claims ? (
        <ReplaceSessionDialog current={state.claims.sub} next={pendingLink.claims.sub} onAnswer={answer} />
      ) : null}
      {children}
    </SessionContext.Provider>
  );
}

/** Modal, in the page's language; closing it any other way (Esc) keeps the current session. */
function ReplaceSessionDialog(props: { current: string; next: string; onAnswer(takeLink: boolean): void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className="card"
      aria-labelledby="replace-session-title"
      aria-describedby="replace-session-body"
      onCancel={() => props.onAnswer(false)}
      data-testid="replace-session"
      // .card sets margins; a modal dialog is centred by margin: auto.
      style={{ margin: 'auto', maxWidth: '36rem' }}
    >
      <h2 id="replace-session-title">{t('tokenReplaceTitle')}</h2>
      <p id="replace-session-body">{t('tokenReplaceBody', { current: props.current, next: props.next })}</p>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: '0.75rem' }}>
        {/* The safe answer is the one a reflexive Enter picks. */}
        <button type="button" className="button-primary" autoFocus onClick={() => props.onAnswer(false)}>
          {t('tokenReplaceKeep')}
        </button>
        <button type="button" onClick={() => props.onAnswer(true)}>
          {t('tokenReplaceAccept')}
        </button>
      </div>
    </dialog>
  );
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
