import { AddressInfo, Server, Socket, createServer } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitUntil } from './index';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  subject: string;
  messageId: string;
  text: string;
  html: string;
}

/**
 * A real SMTP server (smtp-server) inside the test process that keeps every message it receives,
 * parsed with mailparser; test-only (its two libraries are dev dependencies of the workspace).
 * `stop()` then `resume()` make an outage that ends, on the same port; `hang()` then `resume()`
 * a provider that accepts connections and never answers.
 */
export class TestSmtpServer {
  private server: SMTPServer | undefined;
  readonly messages: ReceivedMail[] = [];
  /** Connection errors of clients (resets when a sender dies mid-session). */
  readonly connectionErrors: Error[] = [];
  /** Connections accepted while hung (none of them ever got a greeting). */
  hungConnections = 0;
  private hung: { server: Server; sockets: Set<Socket> } | undefined;
  private constructor(public port: number) {}

  static async start(port = 0): Promise<TestSmtpServer> {
    const smtp = new TestSmtpServer(port);
    await smtp.resume();
    return smtp;
  }

  /** Listens (again) on this server's port, keeping the messages received before. */
  async resume(): Promise<void> {
    await this.unhang();
    if (this.server) return;
    const messages = this.messages;
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
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    // A client that dies mid-session (a service killed by a chaos test) surfaces as an 'error'
    // on the server (ECONNRESET); unheard, it would crash the test process.
    server.on('error', (err: Error) => this.connectionErrors.push(err));
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
  }

  /**
   * Stops answering: the port keeps accepting TCP connections, and nothing is ever written to
   * them (no greeting), like a provider whose process hangs. `resume()` ends it.
   */
  async hang(): Promise<void> {
    await this.stop();
    if (this.hung) return;
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      this.hungConnections++;
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.hung = { server, sockets };
  }

  private async unhang(): Promise<void> {
    const h = this.hung;
    if (!h) return;
    this.hung = undefined;
    for (const s of h.sockets) s.destroy();
    await new Promise<void>((resolve) => h.server.close(() => resolve()));
  }

  to(address: string): ReceivedMail[] {
    return this.messages.filter((m) => m.to.includes(address));
  }

  async waitFor(address: string, count = 1, timeoutMs = 20000): Promise<ReceivedMail[]> {
    await waitUntil(() => this.to(address).length >= count, timeoutMs, `${count} email(s) to ${address}`);
    return this.to(address);
  }

  async stop(): Promise<void> {
    await this.unhang();
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** A port nothing listens on (for "SMTP is down"). */
export async function freeSmtpPort(): Promise<number> {
  const probe = await TestSmtpServer.start(0);
  const port = probe.port;
  await probe.stop();
  return port;
}
