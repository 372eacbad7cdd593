import { useId, useRef, useState } from 'react';
import type { TravelPassView } from '@account-security/shared/contracts';
import { useAnnounce } from '../announcer';
import { useI18n } from '../i18n/I18nContext';
import { countryName } from '../lib/geo';
import { browserTimeZone, formatDay } from '../lib/time';
import {
  DraftField,
  DraftProblem,
  MAX_TRAVEL_PASSES,
  TRAVEL_PASS_MAX_DAYS,
  checkTravelPass,
  toTravelPass,
  travelPassState,
} from '../lib/travel-passes';
import { CountryLabel, CountrySelect } from './Country';

const STATE_BADGE = { active: 'badge-ok', upcoming: 'badge-info', ended: 'badge-muted' } as const;

/** One pass in words: 'Japan: Dec 1, 2026 – Dec 15, 2026'. */
export function useTravelPassWords() {
  const { lang } = useI18n();
  const timeZone = browserTimeZone();
  return (p: TravelPassView) => ({
    country: countryName(p.country, lang),
    from: formatDay(p.from, lang, timeZone),
    until: formatDay(p.until, lang, timeZone),
  });
}

/**
 * SPEC §8 travel passes inside the protection form: the list with a remove button each, and a
 * small add form (country, first and last day) checked like the server checks them. Nothing is
 * sent until the whole form is saved.
 */
export function TravelPassEditor(props: {
  passes: TravelPassView[];
  onChange(passes: TravelPassView[]): void;
  disabled: boolean;
}) {
  const { t } = useI18n();
  const announce = useAnnounce();
  const words = useTravelPassWords();
  const id = useId();
  const [country, setCountry] = useState('');
  const [from, setFrom] = useState('');
  const [until, setUntil] = useState('');
  const [problems, setProblems] = useState<DraftProblem[]>([]);
  const fields = {
    country: useRef<HTMLDivElement>(null),
    from: useRef<HTMLInputElement>(null),
    until: useRef<HTMLInputElement>(null),
    list: useRef<HTMLButtonElement>(null),
  };
  const problemOf = (field: DraftField) => problems.find((p) => p.field === field);
  const errId = (field: DraftField) => `${id}-err-${field}`;

  const add = () => {
    const draft = { country, from, until };
    const found = checkTravelPass(draft, props.passes);
    setProblems(found);
    if (found.length) {
      const first = found[0]!.field;
      if (first === 'country') fields.country.current?.querySelector('select')?.focus();
      else fields[first].current?.focus();
      return;
    }
    const pass = toTravelPass(draft);
    props.onChange([...props.passes, pass]);
    setCountry('');
    setFrom('');
    setUntil('');
    announce(t('travelAdded', { country: words(pass).country }));
  };

  const remove = (index: number) => {
    const pass = props.passes[index]!;
    props.onChange(props.passes.filter((_, i) => i !== index));
    setProblems([]);
    announce(t('travelRemoved', { country: words(pass).country }));
    // The removed button is gone: focus the add form's first field.
    fields.country.current?.querySelector('select')?.focus();
  };

  const describedBy = (field: DraftField) => (problemOf(field) ? errId(field) : undefined);
  const error = (field: DraftField) => {
    const p = problemOf(field);
    return p ? (
      <p className="error" id={errId(field)}>
        {t(p.key, p.params)}
      </p>
    ) : null;
  };

  return (
    <fieldset disabled={props.disabled} data-testid="travel-passes">
      <legend>{t('travelLegend')}</legend>
      <p className="hint">{t('travelHelp', { max: MAX_TRAVEL_PASSES, days: TRAVEL_PASS_MAX_DAYS })}</p>
      {props.passes.length === 0 ? (
        <p className="muted">{t('travelNone')}</p>
      ) : (
        <ul className="pass-list" data-testid="travel-pass-list">
          {props.passes.map((p, i) => {
            const w = words(p);
            const state = travelPassState(p);
            return (
              <li key={`${p.country}/${p.from}/${p.until}`} className="pass" data-country={p.country}>
                <span>
                  <CountryLabel country={p.country} />: <time dateTime={p.from}>{w.from}</time> –{' '}
                  <time dateTime={p.until}>{w.until}</time>{' '}
                  <span className={`badge ${STATE_BADGE[state]}`}>{t(`travel_${state}`)}</span>
                </span>
                <button
                  type="button"
                  className="button-small"
                  aria-label={t('travelRemove', w)}
                  onClick={() => remove(i)}
                >
                  <span aria-hidden="true">×</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <div
        className="pass-add"
        role="group"
        aria-labelledby={`${id}-add-h`}
        // Enter in these fields adds the pass rather than saving the whole form without it.
        onKeyDown={(e) => {
          const tag = (e.target as HTMLElement).tagName;
          if (e.key === 'Enter' && (tag === 'INPUT' || tag === 'SELECT')) {
            e.preventDefault();
            add();
          }
        }}
      >
        <h3 id={`${id}-add-h`} className="subheading">
          {t('travelAddHeading')}
        </h3>
        <div className="field" ref={fields.country}>
          <label htmlFor={`${id}-country`}>{t('travelCountry')}</label>
          <CountrySelect
            id={`${id}-country`}
            value={country}
            onChange={(v) => {
              setCountry(v);
              setProblems((ps) => ps.filter((p) => p.field !== 'country'));
            }}
            placeholder="—"
            describedBy={describedBy('country')}
            invalid={!!problemOf('country')}
          />
          {error('country')}
        </div>
        <div className="pass-dates">
          <div className="field">
            <label htmlFor={`${id}-from`}>{t('travelFrom')}</label>
            <input
              id={`${id}-from`}
              ref={fields.from}
              type="date"
              value={from}
              aria-invalid={problemOf('from') ? true : undefined}
              aria-describedby={describedBy('from')}
              onChange={(e) => setFrom(e.target.value)}
            />
            {error('from')}
          </div>
          <div className="field">
            <label htmlFor={`${id}-until`}>{t('travelUntil')}</label>
            <input
              id={`${id}-until`}
              ref={fields.until}
              type="date"
              value={until}
              min={from || undefined}
              aria-invalid={problemOf('until') ? true : undefined}
              aria-describedby={describedBy('until')}
              onChange={(e) => setUntil(e.target.value)}
            />
            {error('until')}
          </div>
        </div>
        <button type="button" ref={fields.list} aria-describedby={describedBy('list')} onClick={add}>
          {t('travelAddButton')}
        </button>
        {problemOf('list') ? (
          <p className="error" role="alert" id={errId('list')}>
            {t(problemOf('list')!.key, problemOf('list')!.params)}
          </p>
        ) : null}
        {problems.some((p) => p.field !== 'list') ? (
          <p className="visually-hidden" role="alert">
            {problems.map((p) => t(p.key, p.params)).join(' ')}
          </p>
        ) : null}
      </div>
    </fieldset>
  );
}
