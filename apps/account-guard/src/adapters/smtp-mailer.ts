import nodemailer from 'nodemailer';
import { DeliveryError, MailPort } from '../ports/notifications';

interface SmtpError {
  message?: string;
  code?: string;
  responseCode?: number;
  permanent?: boolean;
}

/**
 * Email over SMTP with nodemailer. Timeouts are short so a hanging server fails the attempt
 * (and the outbox retries) instead of holding the notification worker. An attempt cut off
 * before the server's final reply to DATA is not delivered (SMTP accepts a message only with
 * that reply), so a retry does not duplicate it.
 */
export function createSmtpMailer(opts: { url: string; from: string; timeoutMs: number }): MailPort {
  const transport = nodemailer.createTransport({
    url: opts.url,
    connectionTimeout: opts.timeoutMs,
    greetingTimeout: opts.timeoutMs,
    socketTimeout: opts.timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({
          from: opts.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: mail.messageId,
          // A hard bound on the whole attempt (the timeouts above bound each step only), so an
          // attempt always ends well inside the outbox lease.
          signal: AbortSignal.timeout(opts.timeoutMs * 2),
        });
        return { providerId: typeof info.response === 'string' ? info.response.slice(0, 200) : undefined };
      } catch (err) {
        const e = err as SmtpError;
        // Only a 5xx about this message or its recipient is hopeless; a 5xx on AUTH is an
        // operator's mistake that a fixed configuration cures, so it keeps being retried.
        const permanent = e.permanent === true && (e.code === 'EENVELOPE' || e.code === 'EMESSAGE');
        throw new DeliveryError(
          `SMTP: ${e.code ?? 'error'}${e.responseCode ? ` ${e.responseCode}` : ''}: ${e.message ?? String(err)}`,
          permanent,
          {
            cause: err,
          },
        );
      }
    },
    async close() {
      transport.close();
    },
  };
}
