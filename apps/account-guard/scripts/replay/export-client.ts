import { ExportedLogin, exportEnd, exportedLogin } from '@account-security/shared';

export interface ExportSource {
  /** login-history's base URL. */
  url: string;
  /** A bearer token with role `service` or `support`. */
  token: string;
  from: string;
  to: string;
  /** Logins per page (the export's `limit`). */
  pageSize: number;
}

/** The export's lines of one response, parsed as they arrive. */
async function* linesOf(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    rest += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      if (line !== '') yield line;
    }
  }
  rest += decoder.decode();
  if (rest !== '') yield rest;
}

const ATTEMPTS = 3;

/** One page: its logins and the next page's cursor. A page cut short is fetched again. */
async function fetchPage(
  src: ExportSource,
  cursor: string | null,
): Promise<{ logins: ExportedLogin[]; next: string | null }> {
  const url = new URL('/v1/export/logins', src.url);
  url.searchParams.set('from', src.from);
  url.searchParams.set('to', src.to);
  url.searchParams.set('limit', String(src.pageSize));
  if (cursor) url.searchParams.set('cursor', cursor);
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const res = await fetch(url, { headers: { authorization: `Bearer ${src.token}` } });
      if (!res.ok || !res.body) {
        const text = await res.text();
        let message = text;
        try {
          message = (JSON.parse(text) as { error: { message: string } }).error.message;
        } catch {
          /* not the error shape: the text as it came */
        }
        const err = new Error(`login-history export answered ${res.status}: ${message}`);
        // The request itself is wrong (a bad window, a token it refuses): asking again will not help.
        if (res.status >= 400 && res.status < 500) throw Object.assign(err, { final: true });
        throw err;
      }
      const logins: ExportedLogin[] = [];
      for await (const line of linesOf(res.body)) {
        const value: unknown = JSON.parse(line);
        if (value && typeof value === 'object' && 'nextCursor' in value)
          return { logins, next: exportEnd.parse(value).nextCursor };
        logins.push(exportedLogin.parse(value));
      }
      throw new Error('login-history export page ended without its nextCursor line');
    } catch (err) {
      lastError = err as Error;
      if ((err as { final?: boolean }).final) throw err;
      if (attempt < ATTEMPTS) await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
  throw lastError!;
}

/** The window's logins, a page at a time, in login-history's order (time, record id). */
export async function* exportPages(src: ExportSource): AsyncGenerator<ExportedLogin[]> {
  let cursor: string | null = null;
  do {
    const page = await fetchPage(src, cursor);
    if (page.logins.length > 0) yield page.logins;
    cursor = page.next;
  } while (cursor);
}
