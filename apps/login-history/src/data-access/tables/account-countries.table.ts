/** Per account and country: its first retained login (by time) and its last login time. */
export interface AccountCountriesTable {
  account_id: string;
  country: string;
  first_logged_in_at: Date;
  first_record_id: string;
  last_logged_in_at: Date;
}
