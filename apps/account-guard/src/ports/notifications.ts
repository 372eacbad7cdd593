/**
 * The two third parties the service talks to, as the application sees them. The domain never
 * imports these; adapters/ implements them with nodemailer and twilio.
 */

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per notification, so a duplicate from the at-least-once window can be recognised. */
  messageId: string;
}

export interface OutgoingSms {
  to: string;
  body: string;
}

export interface Delivered {
  /** The provider's id for the message (SMTP queue id, Twilio message SID), for the audit trail. */
  providerId?: string;
}

export interface MailPort {
  send(mail: OutgoingEmail): Promise<Delivered>;
  close(): Promise<void>;
}

export interface SmsPort {
  send(sms: OutgoingSms): Promise<Delivered>;
  close(): Promise<void>;
}

/** A failed delivery. `permanent` ones (address rejected) are not retried. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}
