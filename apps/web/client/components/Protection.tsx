import { FormEvent, useEffect, useId, useState } from 'react';
import {
  CHANNELS,
  type Channel,
  LOCALES,
  type Locale,
  POLICIES,
  type Policy,
  type Protection,
  type ProtectionView,
  type TravelPassView,
} from '@account-security/shared/contracts';
import { useAnnounce } from '../announcer';
import { useI18n } from '../i18n/I18nContext';
import { ApiError } from '../lib/api';
import { countryName } from '../lib/geo';
import { useApi } from '../use-api';
import { CountryLabel, CountrySelect } from './Country';
import { TravelPassEditor, useTravelPassWords } from './TravelPasses';
import { travelPassRefusal } from '../lib/travel-passes';

interface FormState {
  policy: Policy;
  channels: Channel[];
  email: string;
  phone: string;
  trustedCountries: string[];
  /** SPEC §8's travel passes, edited in TravelPassEditor; a PUT without them removes them all. */
  travelPasses: TravelPassView[];
  locale: Locale;
}

/** Contacts asked for but not verified yet, with the ones notices still go to. */
interface Pending {
  email: string | null;
  phone: string | null;
  currentEmail: string | null;
  currentPhone: string | null;
}

const pendingOf = (p: ProtectionView): Pending => ({
  email: p.pendingEmail ?? null,
  phone: p.pendingPhone ?? null,
  currentEmail: p.email,
  currentPhone: p.phone,
});

// The form shows what the player asked for: a pending contact stays in its field, so saving
// another change keeps it pending instead of cancelling it.
const toForm = (p: ProtectionView): FormState => ({
  policy: p.policy,
  channels: [...p.channels],
  email: p.pendingEmail ?? p.email ?? '',
  phone: p.pendingPhone ?? p.phone ?? '',
  trustedCountries: [...p.trustedCountries],
  travelPasses: p.travelPasses ?? [],
  locale: p.locale,
});

const fromForm = (f: FormState): Protection => ({
  policy: f.policy,
  // Keep the API's order regardless of the order the boxes were ticked in.
  channels: CHANNELS.filter((c) => f.channels.includes(c)),
  email: f.email.trim() || null,
  phone: f.phone.trim() || null,
  trustedCountries: f.trustedCountries,
  travelPasses: f.travelPasses,
  locale: f.locale,
});

/** The player's own protection policy, channels, contact details and trusted countries. */
export function ProtectionEditor({ accountId, locked }: { accountId: string; locked: boolean }) {
  const { t, lang } = useI18n();
  const { api, describe } = useApi();
  const announce = useAnnounce();
  const id = useId();
  const [form, setForm] = useState<FormState | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [toAdd, setToAdd] = useState('');

  useEffect(() => {
    let current = true;
    api.protection(accountId).then(
      (p) => {
        if (!current) return;
        setForm(toForm(p));
        setPending(pendingOf(p));
      },
      (err) => current && setLoadError(describe(err)),
    );
    return () => {
      current = false;
    };
  }, [api, accountId, describe]);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!form) return;
    setSaving(true);
    setSaveError(null);
    try {
      const saved = await api.saveProtection(accountId, fromForm(form));
      if (saved && typeof saved === 'object' && 'policy' in saved) {
        setForm(toForm(saved));
        setPending(pendingOf(saved));
      }
      announce(t('saved'));
    } catch (err) {
      // A pass the server refused is named as the form names it (which one, which field).
      const refusal = err instanceof ApiError && err.status === 400 ? travelPassRefusal(err.message) : null;
      if (refusal) {
        const pass = refusal.index === null ? undefined : form.travelPasses[refusal.index];
        const fieldKey = { country: 'travelCountry', from: 'travelFrom', until: 'travelUntil' } as const;
        setSaveError(
          pass && refusal.index !== null
            ? t('travelRefused', {
                n: refusal.index + 1,
                country: countryName(pass.country, lang),
                field: refusal.field ? t(fieldKey[refusal.field]) : t('travelLegend'),
                problem: refusal.problem,
              })
            : t('travelRefusedList', { problem: refusal.problem }),
        );
        return;
      }
      setSaveError(
        err instanceof ApiError && err.code === 'ACCOUNT.LOCKED'
          ? t('settingsLockedNote')
          : err instanceof ApiError && err.status === 403 && err.code === 'AUTH.STEP_UP_REQUIRED'
            ? t('stepUpRequired')
            : describe(err),
      );
    } finally {
      setSaving(false);
    }
  };

  const update = (patch: Partial<FormState>) => setForm((f) => (f ? { ...f, ...patch } : f));

  return (
    <section className="card" aria-labelledby={`${id}-h`} aria-busy={!form && !loadError}>
      <h2 id={`${id}-h`}>{t('protectionHeading')}</h2>
      {loadError ? (
        <p className="error" role="alert">
          {loadError}
        </p>
      ) : null}
      {!form && !loadError ? <p className="muted">{t('loading')}</p> : null}
      {form && locked ? <p className="note">{t('settingsLockedNote')}</p> : null}
      {form ? (
        <form onSubmit={onSubmit} data-testid="protection-form">
          <fieldset disabled={locked}>
            <legend>{t('policyLegend')}</legend>
            <div className="choices">
              {POLICIES.map((p) => (
                <div className="choice" key={p}>
                  <input
                    type="radio"
                    id={`${id}-policy-${p}`}
                    name="policy"
                    value={p}
                    checked={form.policy === p}
                    onChange={() => update({ policy: p })}
                  />
                  <label htmlFor={`${id}-policy-${p}`}>{t(`policy_${p}`)}</label>
                </div>
              ))}
            </div>
          </fieldset>

          <fieldset disabled={locked}>
            <legend>{t('channelsLegend')}</legend>
            <div className="choices">
              {CHANNELS.map((c) => (
                <div className="choice" key={c}>
                  <input
                    type="checkbox"
                    id={`${id}-channel-${c}`}
                    name="channels"
                    value={c}
                    checked={form.channels.includes(c)}
                    onChange={(e) =>
                      update({
                        channels: e.target.checked
                          ? [...form.channels, c]
                          : form.channels.filter((x) => x !== c),
                      })
                    }
                  />
                  <label htmlFor={`${id}-channel-${c}`}>{t(`channel_${c}`)}</label>
                </div>
              ))}
            </div>
            <div className="field">
              <label htmlFor={`${id}-email`}>{t('emailLabel')}</label>
              <input
                id={`${id}-email`}
                type="email"
                name="email"
                autoComplete="email"
                value={form.email}
                onChange={(e) => update({ email: e.target.value })}
                aria-describedby={pending?.email ? `${id}-email-pending` : undefined}
              />
              {pending?.email ? (
                <p className="hint" id={`${id}-email-pending`} data-testid="pending-email">
                  {t('pendingEmail', { address: pending.email, current: pending.currentEmail ?? '' })}
                </p>
              ) : null}
            </div>
            <div className="field">
              <label htmlFor={`${id}-phone`}>{t('phoneLabel')}</label>
              <input
                id={`${id}-phone`}
                type="tel"
                name="phone"
                autoComplete="tel"
                value={form.phone}
                onChange={(e) => update({ phone: e.target.value })}
                aria-describedby={pending?.phone ? `${id}-phone-pending` : undefined}
              />
              {pending?.phone ? (
                <p className="hint" id={`${id}-phone-pending`} data-testid="pending-phone">
                  {t('pendingPhone', { address: pending.phone, current: pending.currentPhone ?? '' })}
                </p>
              ) : null}
            </div>
            <div className="field">
              <label htmlFor={`${id}-locale`}>{t('localeLabel')}</label>
              <select
                id={`${id}-locale`}
                value={form.locale}
                onChange={(e) => update({ locale: e.target.value as Locale })}
              >
                {LOCALES.map((l) => (
                  <option key={l} value={l}>
                    {t(`localeName_${l}`)}
                  </option>
                ))}
              </select>
            </div>
          </fieldset>

          <fieldset disabled={locked}>
            <legend>{t('trustedLegend')}</legend>
            <p className="hint">{t('trustedHelp')}</p>
            {form.trustedCountries.length === 0 ? (
              <p className="muted">{t('none')}</p>
            ) : (
              <ul className="chips" data-testid="trusted-countries">
                {form.trustedCountries.map((c) => (
                  <li key={c} className="chip">
                    <CountryLabel country={c} />
                    <button
                      type="button"
                      className="chip-remove"
                      aria-label={t('trustedRemove', { country: countryName(c, lang) })}
                      onClick={() =>
                        update({ trustedCountries: form.trustedCountries.filter((x) => x !== c) })
                      }
                    >
                      <span aria-hidden="true">×</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
            <div className="field inline-field">
              <label htmlFor={`${id}-add`}>{t('trustedAdd')}</label>
              <CountrySelect
                id={`${id}-add`}
                value={toAdd}
                onChange={setToAdd}
                exclude={form.trustedCountries}
                placeholder="—"
              />
              <button
                type="button"
                disabled={!toAdd}
                onClick={() => {
                  update({ trustedCountries: [...form.trustedCountries, toAdd] });
                  setToAdd('');
                }}
              >
                {t('trustedAddButton')}
              </button>
            </div>
          </fieldset>

          <TravelPassEditor
            passes={form.travelPasses}
            onChange={(travelPasses) => update({ travelPasses })}
            disabled={locked}
          />

          {saveError ? (
            <p className="error" role="alert">
              {saveError}
            </p>
          ) : null}
          <button type="submit" className="button-primary" disabled={saving || locked}>
            {saving ? t('saving') : t('save')}
          </button>
        </form>
      ) : null}
    </section>
  );
}

/** What support staff see of an account's settings; changing them is the player's business. */
export function ProtectionSummary({ protection }: { protection: ProtectionView }) {
  const { pendingEmail, pendingPhone } = protection;
  const { t } = useI18n();
  const passWords = useTravelPassWords();
  const passes = protection.travelPasses ?? [];
  return (
    <dl className="facts" data-testid="protection-summary">
      <dt>{t('policyLabel')}</dt>
      <dd>
        <code>{protection.policy}</code> — {t(`policy_${protection.policy}`)}
      </dd>
      <dt>{t('channelsLabel')}</dt>
      <dd>
        {protection.channels.length
          ? protection.channels.map((c) => t(`channel_${c}`)).join(', ')
          : t('none')}
      </dd>
      <dt>{t('emailLabel')}</dt>
      <dd>
        {protection.email ?? <span className="muted">{t('notSet')}</span>}
        {pendingEmail ? (
          <span className="hint">
            {' '}
            — {t('pendingEmail', { address: pendingEmail, current: protection.email ?? '' })}
          </span>
        ) : null}
      </dd>
      <dt>{t('phoneShort')}</dt>
      <dd>
        {protection.phone ?? <span className="muted">{t('notSet')}</span>}
        {pendingPhone ? (
          <span className="hint">
            {' '}
            — {t('pendingPhone', { address: pendingPhone, current: protection.phone ?? '' })}
          </span>
        ) : null}
      </dd>
      <dt>{t('trustedLabel')}</dt>
      <dd>
        {protection.trustedCountries.length ? (
          <ul className="inline-list">
            {protection.trustedCountries.map((c) => (
              <li key={c}>
                <CountryLabel country={c} />
              </li>
            ))}
          </ul>
        ) : (
          t('none')
        )}
      </dd>
      <dt>{t('travelLegend')}</dt>
      <dd>
        {passes.length ? (
          <ul className="inline-list">
            {passes.map((p) => (
              <li key={`${p.country}/${p.from}/${p.until}`}>{t('travelPassText', passWords(p))}</li>
            ))}
          </ul>
        ) : (
          t('none')
        )}
      </dd>
      <dt>{t('localeLabel')}</dt>
      <dd>{t(`localeName_${protection.locale}`)}</dd>
    </dl>
  );
}
