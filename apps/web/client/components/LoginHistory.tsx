import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { FeedbackResult, LoginItem } from '@account-security/shared/contracts';
import { useAnnounce } from '../announcer';
import { useI18n } from '../i18n/I18nContext';
import { ApiError } from '../lib/api';
import { countryName, isForeign } from '../lib/geo';
import { maskIp } from '../lib/ip';
import { answerOffer } from '../lib/signals';
import { browserTimeZone, formatDateTime, formatDay } from '../lib/time';
import { useApi } from '../use-api';
import { useLatest } from '../use-latest';
import { CountryLabel, HomeCountryPicker } from './Country';
import { LoginOutcome } from './LoginOutcome';
import { NotMeDialog } from './NotMeDialog';

/** The signed-in player may answer for their own logins (SPEC §8); support only reads the answers. */
export interface Answering {
  /** The session token's `iat` (seconds): "it was me" only for logins after it. */
  tokenIssuedAt: number | undefined;
  onAnswered(result: FeedbackResult): void;
}

interface Props {
  accountId: string;
  homeCountry: string;
  onHomeCountryChange(code: string): void;
  pageSize: number;
  title: string;
  headingLevel?: 2 | 3;
  /** Present on the player's own page: the answer buttons. */
  answering?: Answering;
}

/** An account's logins, newest first, paged with the API's nextCursor; foreign rows stand out. */
export function LoginHistory(props: Props) {
  const { accountId, homeCountry, onHomeCountryChange, pageSize, title } = props;
  const Heading = props.headingLevel === 3 ? 'h3' : 'h2';
  const { t, lang } = useI18n();
  const { api, describe } = useApi();
  const announce = useAnnounce();
  const tLatest = useLatest(t);
  const id = useId();
  const [items, setItems] = useState<LoginItem[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(new Set());
  // Answers given on this page, shown until login-history has learnt them (login.reported).
  const [given, setGiven] = useState<ReadonlyMap<string, 'me' | 'not_me'>>(new Map());
  // Per login: what answering did, or why it could not.
  const [notes, setNotes] = useState<ReadonlyMap<string, { text: string; error: boolean }>>(new Map());
  const [confirming, setConfirming] = useState<LoginItem | null>(null);
  const [answerBusy, setAnswerBusy] = useState<string | null>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [focusNote, setFocusNote] = useState<string | null>(null);
  // Answers to an older request (another account, a superseded refresh) must not land here.
  const generation = useRef(0);
  const timeZone = browserTimeZone();

  const load = useCallback(
    async (cursor: string | null) => {
      const gen = cursor ? generation.current : ++generation.current;
      setLoading(true);
      setError(null);
      try {
        const page = await api.logins(accountId, { limit: pageSize, cursor });
        if (gen !== generation.current) return;
        setItems((prev) => (cursor ? [...prev, ...page.items] : page.items));
        if (cursor) announce(tLatest.current('loginsLoaded', { n: page.items.length }), { visible: false });
        setNextCursor(page.nextCursor ?? null);
        if (!cursor) setRevealed(new Set());
      } catch (err) {
        if (gen === generation.current) setError(describe(err));
      } finally {
        if (gen === generation.current) setLoading(false);
      }
    },
    [api, accountId, pageSize, describe, announce, tLatest],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  const toggle = (loginId: string) =>
    setRevealed((prev) => {
      const next = new Set(prev);
      if (next.has(loginId)) next.delete(loginId);
      else next.add(loginId);
      return next;
    });

  const foreignCount = items.filter((i) => isForeign(i.country, homeCountry)).length;
  const noteId = (loginId: string) => `${id}-note-${loginId}`;

  // After answering, focus goes to what it did: the button that was pressed is gone.
  useEffect(() => {
    if (!focusNote) return;
    document.getElementById(noteId(focusNote))?.focus();
    setFocusNote(null);
  });

  const setNote = (loginId: string, text: string, error = false) =>
    setNotes((prev) => new Map(prev).set(loginId, { text, error }));

  const resultText = (r: FeedbackResult): string => {
    if (r.answer === 'not_me') return t(r.repeated ? 'notMeRepeated' : 'notMeDone');
    const parts = [t('meDone')];
    if (r.effects.travelPass)
      parts.push(
        t('meTravelPass', {
          country: countryName(r.effects.travelPass.country, lang),
          until: formatDay(r.effects.travelPass.until, lang, timeZone),
        }),
      );
    if (r.effects.unlocked) parts.push(t('meUnlocked'));
    return parts.join(' ');
  };

  const answer = async (item: LoginItem, choice: 'me' | 'not_me') => {
    const answering = props.answering;
    if (!answering) return;
    setAnswerBusy(item.id);
    setDialogError(null);
    try {
      // The login's own id, which account-guard's feedback route takes (answerOffer needs one).
      const result = await api.feedback(accountId, item.loginEventId!, choice);
      setGiven((prev) => new Map(prev).set(item.id, result.answer));
      const text = resultText(result);
      setNote(item.id, text);
      setConfirming(null);
      announce(text);
      setFocusNote(item.id);
      answering.onAnswered(result);
    } catch (err) {
      let text: string;
      if (choice === 'me' && err instanceof ApiError && err.status === 403) text = t('meTooNew');
      else if (choice === 'me' && err instanceof ApiError && err.status === 409) text = t('meAfterNotMe');
      else text = describe(err);
      if (choice === 'not_me') setDialogError(text);
      else {
        setNote(item.id, text, true);
        setFocusNote(item.id);
      }
    } finally {
      setAnswerBusy(null);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-h`} aria-busy={loading}>
      <div className="card-head">
        <Heading id={`${id}-h`}>{title}</Heading>
        <button type="button" className="button-quiet" onClick={() => void load(null)} disabled={loading}>
          {t('refresh')}
        </button>
      </div>
      <HomeCountryPicker value={homeCountry} onChange={onHomeCountryChange} />
      <p className="hint">{t('historyTimes', { tz: timeZone })}</p>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {items.length === 0 && !loading && !error ? <p>{t('noLogins')}</p> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="history" data-testid="login-history" data-foreign-count={foreignCount}>
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t('colTime')}</th>
                <th scope="col">{t('colCountry')}</th>
                <th scope="col">{t('colOutcome')}</th>
                <th scope="col">{t('colIp')}</th>
                <th scope="col">{t('colPlatform')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => {
                const foreign = isForeign(item.country, homeCountry);
                const shown = revealed.has(item.id);
                const time = formatDateTime(item.loggedInAt, lang, timeZone);
                const shownAnswer = item.assessment?.answer ?? given.get(item.id) ?? null;
                const offer = props.answering
                  ? answerOffer(
                      { ...item, assessment: item.assessment && { ...item.assessment, answer: shownAnswer } },
                      props.answering.tokenIssuedAt,
                    )
                  : { notMe: false, me: null };
                const note = notes.get(item.id);
                return (
                  <tr
                    key={item.id}
                    className={foreign ? 'foreign' : undefined}
                    data-foreign={foreign ? 'true' : 'false'}
                    data-login-id={item.id}
                    data-result={item.result}
                    data-verdict={item.assessment?.verdict}
                    data-answer={shownAnswer ?? undefined}
                    title={foreign ? t('foreignRow', { country: countryName(homeCountry, lang) }) : undefined}
                  >
                    <td>
                      <time dateTime={item.loggedInAt}>{time}</time>
                    </td>
                    <td className="country-cell">
                      <CountryLabel country={item.country} />
                      {foreign ? (
                        <>
                          {' '}
                          <span className="badge badge-warn">{t('foreign')}</span>
                        </>
                      ) : null}
                    </td>
                    <td className="outcome-cell">
                      <LoginOutcome
                        item={item}
                        answer={shownAnswer}
                        reader={props.answering ? 'player' : 'support'}
                        answerId={`${id}-answer-${item.id}`}
                      />
                      {offer.notMe ? (
                        <div className="answer-buttons">
                          <button
                            type="button"
                            className="button-small button-danger"
                            aria-label={t('notMeButtonLabel', { time })}
                            disabled={answerBusy !== null}
                            onClick={() => {
                              setDialogError(null);
                              setConfirming(item);
                            }}
                          >
                            {t('notMeButton')}
                          </button>
                          {offer.me === 'button' ? (
                            <button
                              type="button"
                              className="button-small"
                              aria-label={t('meButtonLabel', { time })}
                              disabled={answerBusy !== null}
                              onClick={() => void answer(item, 'me')}
                            >
                              {answerBusy === item.id ? t('answering') : t('meButton')}
                            </button>
                          ) : null}
                        </div>
                      ) : null}
                      {offer.notMe && offer.me === 'link' ? <p className="hint">{t('meViaLink')}</p> : null}
                      {note ? (
                        <p
                          id={noteId(item.id)}
                          tabIndex={-1}
                          className={note.error ? 'error' : 'answer-note'}
                          data-testid="answer-note"
                        >
                          {note.text}
                        </p>
                      ) : null}
                    </td>
                    <td className="ip-cell">
                      <code data-testid="ip">{shown ? item.ip : maskIp(item.ip)}</code>{' '}
                      <button
                        type="button"
                        className="button-small"
                        aria-pressed={shown}
                        aria-label={t(shown ? 'hideIpLabel' : 'showIpLabel', { time })}
                        onClick={() => toggle(item.id)}
                      >
                        {t(shown ? 'hideIp' : 'showIp')}
                      </button>
                    </td>
                    <td>
                      {item.client.platform} <span className="muted">{item.client.version}</span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {loading ? <p className="muted">{t('loading')}</p> : null}
      {!loading && nextCursor ? (
        <button type="button" onClick={() => void load(nextCursor)}>
          {t('loadMore')}
        </button>
      ) : null}
      {!loading && !nextCursor && items.length > 0 ? <p className="muted">{t('historyEnd')}</p> : null}
      {confirming ? (
        <NotMeDialog
          time={formatDateTime(confirming.loggedInAt, lang, timeZone)}
          country={confirming.country ? countryName(confirming.country, lang) : t('unknownCountry')}
          busy={answerBusy !== null}
          error={dialogError}
          onConfirm={() => void answer(confirming, 'not_me')}
          onCancel={() => {
            const loginId = confirming.id;
            setConfirming(null);
            // Back to the button that opened it.
            requestAnimationFrame(() =>
              document
                .querySelector<HTMLElement>(
                  `tr[data-login-id="${CSS.escape(loginId)}"] .answer-buttons button`,
                )
                ?.focus(),
            );
          }}
        />
      ) : null}
    </section>
  );
}
