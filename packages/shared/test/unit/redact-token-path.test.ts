import { redactTokenPath } from '../../src/http/app';

describe('redactTokenPath: one-time tokens never reach the request log', () => {
  it.each([
    ['/v1/unlock/abcDEF_123-x', '/v1/unlock/[token]'],
    ['/v1/feedback/abcDEF_123-x?lang=ko', '/v1/feedback/[token]?lang=ko'],
    ['/v1/contacts/verify/abcDEF_123-x', '/v1/contacts/verify/[token]'],
    ['/V1/FEEDBACK/abc', '/v1/FEEDBACK/[token]'],
  ])('%s → %s', (url, logged) => {
    expect(redactTokenPath(url)).toBe(logged);
  });

  it('leaves other paths alone', () => {
    for (const url of ['/v1/accounts/acc-1/logins/l-1/feedback', '/v1/accounts/acc-1/status', '/healthz'])
      expect(redactTokenPath(url)).toBe(url);
  });
});
