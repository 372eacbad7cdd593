import { useEffect, useId, useRef } from 'react';
import { useI18n } from '../i18n/I18nContext';

/**
 * Asks before "not me" (SPEC §8), saying what it does: lock, every session signed out, a new
 * password at the next login. Modal; Cancel is the button a reflexive Enter picks, and Esc
 * cancels too.
 */
export function NotMeDialog(props: {
  time: string;
  country: string;
  busy: boolean;
  error: string | null;
  onConfirm(): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const id = useId();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="card"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={(e) => {
        e.preventDefault();
        if (!props.busy) props.onCancel();
      }}
      data-testid="not-me-dialog"
      style={{ margin: 'auto', maxWidth: '36rem' }}
    >
      <h2 id={`${id}-title`}>{t('notMeTitle')}</h2>
      <div id={`${id}-body`}>
        <p>{t('notMeIntro', { time: props.time, country: props.country })}</p>
        <ul>
          <li>{t('notMeLock')}</li>
          <li>{t('notMeSignOut')}</li>
          <li>{t('notMeReset')}</li>
        </ul>
        <p>{t('notMeAfter')}</p>
      </div>
      {props.error ? (
        <p className="error" role="alert">
          {props.error}
        </p>
      ) : null}
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: '0.75rem' }}>
        <button type="button" autoFocus onClick={props.onCancel} disabled={props.busy}>
          {t('notMeCancel')}
        </button>
        <button type="button" className="button-danger" onClick={props.onConfirm} disabled={props.busy}>
          {props.busy ? t('answering') : t('notMeConfirm')}
        </button>
      </div>
    </dialog>
  );
}
