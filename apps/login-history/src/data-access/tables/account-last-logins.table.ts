/** Each account's latest retained login. */
export interface AccountLastLoginsTable {
  account_id: string;
  logged_in_at: Date;
  record_id: string;
  ip: string;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  location_source: 'city' | 'country' | null;
}
