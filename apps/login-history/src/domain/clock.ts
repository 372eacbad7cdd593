/** The one source of "now" of the service, injected so that a test can set the time. */
export interface Clock {
  now: () => Date;
}
