/** A failure that may pass (database or SMTP down): the message is retried with growing delay. */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/** A failure that retrying cannot fix: the message goes straight to the dead-letter queue. */
export class PermanentError extends Error {
  constructor(
    message: string,
    readonly reason = 'rejected',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PermanentError';
  }
}
