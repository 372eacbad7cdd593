import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { waitUntil } from './index';

export interface RecordedSmsRequest {
  method: string;
  path: string;
  accountSid: string;
  authToken: string;
  form: Record<string, string>;
}

/**
 * Stands in for api.twilio.com (point TWILIO_API_URL at `baseUrl`): records what the real twilio
 * client sends and answers like the Messages API. `failNext(status)` makes the next requests fail.
 * Test-only, and free of the twilio package: account-guard's tests add its HTTP client.
 */
export class TwilioStandIn {
  readonly requests: RecordedSmsRequest[] = [];
  /** Requests answered with a failure (not in `requests`). */
  failed = 0;
  private failures: number[] = [];
  private readonly server: Server = createServer((req, res) => void this.onRequest(req, res));

  /** Listening on a free port of 127.0.0.1; `start` of a subclass makes the subclass. */
  static async start<T extends TwilioStandIn>(this: new () => T): Promise<T> {
    const standIn = new this();
    await new Promise<void>((resolve) => standIn.server.listen(0, '127.0.0.1', resolve));
    return standIn;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  failNext(...statuses: number[]): void {
    this.failures.push(...statuses);
  }

  to(phone: string): RecordedSmsRequest[] {
    return this.requests.filter((r) => r.form.To === phone);
  }

  async waitFor(phone: string, count = 1, timeoutMs = 20000): Promise<RecordedSmsRequest[]> {
    await waitUntil(() => this.to(phone).length >= count, timeoutMs, `${count} SMS request(s) to ${phone}`);
    return this.to(phone);
  }

  private async onRequest(req: IncomingMessage, res: import('node:http').ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const [user = '', pass = ''] = Buffer.from(
      (req.headers.authorization ?? '').replace(/^Basic /, ''),
      'base64',
    )
      .toString('utf8')
      .split(':');
    const failure = this.failures.shift();
    if (failure) {
      this.failed++;
      res.writeHead(failure, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 20500, message: 'stand-in failure', status: failure }));
      return;
    }
    this.requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      accountSid: user,
      authToken: pass,
      form,
    });
    const sid = `SM${this.requests.length.toString(16).padStart(32, '0')}`;
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        sid,
        account_sid: user,
        to: form.To,
        from: form.From,
        body: form.Body,
        status: 'queued',
        num_segments: '1',
      }),
    );
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
