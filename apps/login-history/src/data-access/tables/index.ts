import type { AccountCountriesTable } from './account-countries.table';
import type {
  AccountFailureMinutesTable,
  AccountFeaturesTable,
  GlobalFeaturesTable,
  IpFailuresTable,
} from './features.table';
import type { AccountLastLoginsTable } from './account-last-logins.table';
import type { LoginOutcomesTable } from './login-outcomes.table';
import type { LoginsTable } from './logins.table';
import type { RecordedLoginsTable } from './recorded-logins.table';

/** The database of login-history as migrations/login-history/ leaves it. */
export interface DB {
  logins: LoginsTable;
  recorded_logins: RecordedLoginsTable;
  account_last_logins: AccountLastLoginsTable;
  account_countries: AccountCountriesTable;
  account_features: AccountFeaturesTable;
  global_features: GlobalFeaturesTable;
  ip_failures: IpFailuresTable;
  account_failure_minutes: AccountFailureMinutesTable;
  login_outcomes: LoginOutcomesTable;
}
