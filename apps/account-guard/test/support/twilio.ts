import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import RequestClient from 'twilio/lib/base/RequestClient';
import { waitUntil } from '@account-security/shared/testing';

export interface RecordedSmsRequest {
  method: string;
  path: string;
  accountSid: string;
  authToken: string;
  form: Record<string, string>;
}

/**
 * Stands in for api.twilio.com: records what the real twilio client sends and answers like
 * the Messages API. `failNext(status)` makes the next requests fail.
 */
export class TwilioStandIn {
  readonly requests: RecordedSmsRequest[] = [];
  /** Requests answered with a failure (not in `requests`). */
  failed = 0;
  private failures: number[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<TwilioStandIn> {
    const standIn: TwilioStandIn = new TwilioStandIn(
      createServer((req, res) => void standIn.onRequest(req, res)),
    );
    await new Promise<void>((resolve) => standIn.server.listen(0, '127.0.0.1', resolve));
    return standIn;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  failNext(...statuses: number[]): void {
    this.failures.push(...statuses);
  }

  /** The twilio package's own HTTP client, sent to this server instead of api.twilio.com. */
  httpClient(): RequestClient {
    const base = this.baseUrl;
    class StandInClient extends RequestClient {
      override request<T>(opts: RequestClient.RequestOptions<T>) {
        return super.request({ ...opts, uri: opts.uri.replace(/^https:\/\/[^/]+/, base) });
      }
    }
    return new StandInClient({ keepAlive: false });
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
