import { FormEvent, useId, useState } from 'react';
import { useI18n } from '../i18n/I18nContext';
import { MessageKey } from '../i18n/messages';
import { TokenProblem, useSession } from '../session';

const PROBLEM_MESSAGES: Record<Exclude<TokenProblem, null>, MessageKey> = {
  malformed: 'tokenMalformed',
  expired: 'tokenExpired',
  rejected: 'tokenRejected',
  forgotten: 'tokenForgotten',
};

/** The paste box: the other way (besides a `#token=` link) for a token to reach the page. */
export function TokenForm() {
  const { t } = useI18n();
  const { problem, signIn } = useSession();
  const [value, setValue] = useState('');
  const id = useId();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (signIn(value) === null) setValue('');
  };
  const message = problem ? t(PROBLEM_MESSAGES[problem]) : null;
  return (
    <section className="card token-card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('tokenHeading')}</h2>
      {message ? (
        <p
          className={problem === 'forgotten' ? 'note' : 'error'}
          role={problem === 'forgotten' ? 'status' : 'alert'}
        >
          {message}
        </p>
      ) : null}
      <form onSubmit={onSubmit}>
        <label htmlFor={`${id}-token`}>{t('tokenLabel')}</label>
        <p className="hint" id={`${id}-help`}>
          {t('tokenHelp')}
        </p>
        <textarea
          id={`${id}-token`}
          name="token"
          rows={4}
          required
          spellCheck={false}
          autoComplete="off"
          aria-describedby={`${id}-help`}
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <button type="submit">{t('tokenSubmit')}</button>
      </form>
    </section>
  );
}
