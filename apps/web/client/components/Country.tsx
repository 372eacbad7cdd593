import { useId, useMemo } from 'react';
import { useI18n } from '../i18n/I18nContext';
import { countryOptions } from '../lib/countries';
import { countryName, flagEmoji } from '../lib/geo';

/** Flag (decorative), localized name and code; 'Unknown' when the GeoIP lookup found nothing. */
export function CountryLabel({ country }: { country: string | null }) {
  const { t, lang } = useI18n();
  if (!country) return <span className="muted">{t('unknownCountry')}</span>;
  return (
    <span className="country">
      <span className="flag" aria-hidden="true">
        {flagEmoji(country)}
      </span>{' '}
      {countryName(country, lang)} <span className="code">({country})</span>
    </span>
  );
}

export function CountrySelect(props: {
  id: string;
  value: string;
  onChange(code: string): void;
  exclude?: readonly string[];
  placeholder?: string;
  describedBy?: string;
  invalid?: boolean;
}) {
  const { lang } = useI18n();
  const options = useMemo(() => countryOptions(lang), [lang]);
  return (
    <select
      id={props.id}
      value={props.value}
      aria-describedby={props.describedBy}
      aria-invalid={props.invalid ? true : undefined}
      onChange={(e) => props.onChange(e.target.value)}
    >
      {props.placeholder !== undefined ? <option value="">{props.placeholder}</option> : null}
      {options
        .filter((o) => !props.exclude?.includes(o.code))
        .map((o) => (
          <option key={o.code} value={o.code}>
            {flagEmoji(o.code)} {o.name} ({o.code})
          </option>
        ))}
    </select>
  );
}

/** The page setting that decides which logins count as foreign in the tables. */
export function HomeCountryPicker({ value, onChange }: { value: string; onChange(code: string): void }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className="field inline-field">
      <label htmlFor={`${id}-home`}>{t('homeCountry')}</label>
      <CountrySelect id={`${id}-home`} value={value} onChange={onChange} describedBy={`${id}-help`} />
      <span className="hint" id={`${id}-help`}>
        {t('homeCountryHelp')}
      </span>
    </div>
  );
}
