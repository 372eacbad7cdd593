import { useCallback, useMemo } from 'react';
import { ApiError, createApi } from './lib/api';
import { useI18n } from './i18n/I18nContext';
import { useSession } from './session';
import { useLatest } from './use-latest';

/**
 * The API bound to the session's token, and one way to turn any failure into a sentence. A 401
 * ends the session (the token is expired or revoked), which brings the token box back. Both stay
 * the same object until the token changes.
 */
export function useApi() {
  const { token, reject } = useSession();
  const t = useLatest(useI18n().t);
  const api = useMemo(() => createApi(token ?? ''), [token]);
  const describe = useCallback(
    (err: unknown): string => {
      if (err instanceof ApiError) {
        if (err.status === 401) {
          reject();
          return t.current('tokenRejected');
        }
        if (err.status === 0) return t.current('errorNetwork');
        if (err.status === 403) return t.current('errorForbidden', { message: err.message });
        return t.current('errorRequest', { status: err.status, message: err.message });
      }
      return t.current('errorRequest', { status: '?', message: (err as Error)?.message ?? String(err) });
    },
    [reject, t],
  );
  return { api, describe };
}
