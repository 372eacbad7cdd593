import { createContext, ReactNode, useCallback, useContext, useEffect, useState } from 'react';

/**
 * Announces a status message. Outcomes of the user's own actions ("settings saved") are shown as
 * well as read out; progress notes ("account loaded") are for screen readers only, since sighted
 * users see the content appear.
 */
type Announce = (message: string, opts?: { visible?: boolean }) => void;
const AnnouncerContext = createContext<Announce>(() => undefined);

/** One polite live region per page. */
export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState({ text: '', visible: true, n: 0 });
  const announce = useCallback<Announce>(
    (text, opts) => setMessage((m) => ({ text, visible: opts?.visible ?? true, n: m.n + 1 })),
    [],
  );
  // The visible copy fades after a while; screen readers have announced it by then.
  useEffect(() => {
    if (!message.text) return;
    const timer = setTimeout(() => setMessage((m) => (m.n === message.n ? { ...m, text: '' } : m)), 8000);
    return () => clearTimeout(timer);
  }, [message]);
  return (
    <AnnouncerContext.Provider value={announce}>
      {children}
      <div
        className={message.visible ? 'status-bar' : 'visually-hidden'}
        role="status"
        aria-live="polite"
        aria-atomic="true"
        data-testid="status"
      >
        {message.text ? <p key={message.n}>{message.text}</p> : null}
      </div>
    </AnnouncerContext.Provider>
  );
}

export const useAnnounce = () => useContext(AnnouncerContext);
