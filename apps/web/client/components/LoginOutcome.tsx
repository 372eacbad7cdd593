import type { AssessedSignal, LoginItem } from '@account-security/shared/contracts';
import { useI18n } from '../i18n/I18nContext';
import {
  describeAnswer,
  describeLoginAction,
  describeResult,
  describeSignal,
  describeVerdict,
  orderedSignals,
} from '../lib/signals';
import { browserTimeZone } from '../lib/time';

const VERDICT_BADGE = { trusted: 'badge-ok', unusual: 'badge-warn', suspicious: 'badge-danger' } as const;

/**
 * What became of one login (SPEC §8): a failed attempt and why, or the verdict with its risk,
 * what was done about it and the signals in words; the player's answer when there is one.
 * `answer` is the answer as the page knows it (the API's, or one just given here).
 */
export function LoginOutcome(props: {
  item: LoginItem;
  answer: 'me' | 'not_me' | null;
  reader: 'player' | 'support';
  answerId: string;
}) {
  const { item, answer, reader } = props;
  const { t, lang } = useI18n();
  const timeZone = browserTimeZone();
  if (item.result === 'failed') {
    return (
      <p className="outcome-line">
        <span className="badge badge-warn" data-testid="result">
          {describeResult(item, lang)}
        </span>
      </p>
    );
  }
  const a = item.assessment;
  const answerText = describeAnswer(answer, lang, reader);
  const answerLine = answerText ? (
    <p className="answer" id={props.answerId} tabIndex={-1} data-testid="answer">
      {answerText}
    </p>
  ) : null;
  if (!a) {
    return (
      <>
        <p className="outcome-line muted">{t('notAssessed')}</p>
        {answerLine}
      </>
    );
  }
  const signals = orderedSignals(a.signals);
  return (
    <>
      <p className="outcome-line">
        <span className={`badge ${VERDICT_BADGE[a.verdict]}`} data-testid="verdict">
          {describeVerdict(a.verdict, lang)}
        </span>{' '}
        <span className="muted risk">{t('riskScore', { risk: a.risk })}</span>
      </p>
      {a.actions.length ? (
        <ul className="action-badges" data-testid="actions">
          {a.actions.map((action, i) => (
            <li key={i} className={`badge badge-action status-${action.status}`}>
              {describeLoginAction(action, lang)}
            </li>
          ))}
        </ul>
      ) : null}
      {a.shadow ? <p className="hint">{t('shadowNote')}</p> : null}
      {signals.length ? <SignalList signals={signals} label={t('signalsLabel')} timeZone={timeZone} /> : null}
      {answerLine}
    </>
  );
}

export function SignalList(props: { signals: readonly AssessedSignal[]; label: string; timeZone: string }) {
  const { lang } = useI18n();
  return (
    <ul className="signals" aria-label={props.label} data-testid="signals">
      {props.signals.map((s, i) => (
        <li key={`${s.code}-${i}`} className={`signal signal-${s.level}`} data-code={s.code}>
          {describeSignal(s, lang, props.timeZone)}
        </li>
      ))}
    </ul>
  );
}
