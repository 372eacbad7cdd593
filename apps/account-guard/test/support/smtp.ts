import { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitUntil } from '@account-security/shared/src/testing';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  subject: string;
  messageId: string;
  text: string;
  html: string;
}

/** A real SMTP server (smtp-server) that keeps every message it receives, parsed with mailparser. */
export class TestSmtpServer {
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
    readonly messages: ReceivedMail[],
  ) {}

  static async start(port = 0): Promise<TestSmtpServer> {
    const messages: ReceivedMail[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw).then(
            (parsed) => {
              messages.push({
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
                raw,
                subject: parsed.subject ?? '',
                messageId: parsed.messageId ?? '',
                text: parsed.text ?? '',
                html: typeof parsed.html === 'string' ? parsed.html : '',
              });
              callback();
            },
            (err: Error) => callback(err),
          );
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return new TestSmtpServer(server, (server.server.address() as AddressInfo).port, messages);
  }

  to(address: string): ReceivedMail[] {
    return this.messages.filter((m) => m.to.includes(address));
  }

  async waitFor(address: string, count = 1, timeoutMs = 20000): Promise<ReceivedMail[]> {
    await waitUntil(() => this.to(address).length >= count, timeoutMs, `${count} email(s) to ${address}`);
    return this.to(address);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port nothing listens on (for "SMTP is down"). */
export async function freePort(): Promise<number> {
  const probe = await TestSmtpServer.start(0);
  const port = probe.port;
  await probe.stop();
  return port;
}

/** The unlock token in a message's text, if any. */
export function unlockTokenIn(text: string): string | undefined {
  return /\/v1\/unlock\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];
}
