import { ConfigError, commonConfigShape, env, loadConfig, redactUrl } from '../../src';

describe('configuration loader', () => {
  const shape = { ...commonConfigShape, NAME: env.string(), PORT: env.int(0, 65535).default(3001) };

  test('defaults make a local run work', () => {
    const c = loadConfig('ip-checker', shape, { NAME: 'x' });
    expect(c.AMQP_URL).toBe('amqp://guest:guest@127.0.0.1:5672');
    expect(c.QUEUE_TYPE).toBe('quorum');
    expect(c.PORT).toBe(3001);
    expect(c.RETRY_DELAYS_MS).toEqual([1000, 5000, 30000, 120000, 600000]);
  });

  test('a variable prefixed with the service name overrides the plain one for that service alone', () => {
    const source = { NAME: 'x', PORT: '4000', LOGIN_HISTORY_PORT: '4002' };
    expect(loadConfig('login-history', shape, source).PORT).toBe(4002);
    expect(loadConfig('ip-checker', shape, source).PORT).toBe(4000);
  });

  test('a missing variable is named in one line', () => {
    expect(() => loadConfig('svc', shape, {})).toThrow(new ConfigError('NAME', 'is required but not set'));
  });

  test.each([
    ['PORT', 'eighty'],
    ['AMQP_URL', 'not a url'],
    ['QUEUE_TYPE', 'stream'],
    ['RETRY_DELAYS_MS', '1s,5s'],
  ])('a malformed %s is named', (name, value) => {
    expect(() => loadConfig('svc', shape, { NAME: 'x', [name]: value })).toThrow(
      new RegExp(`^configuration error: ${name} is invalid`),
    );
  });

  test('an empty value counts as unset', () => {
    expect(loadConfig('svc', shape, { NAME: 'x', PORT: '' }).PORT).toBe(3001);
  });

  test('an empty prefixed variable does not hide the plain one', () => {
    expect(loadConfig('login-history', shape, { NAME: 'x', LOGIN_HISTORY_PORT: '', PORT: '4000' }).PORT).toBe(
      4000,
    );
  });

  test('credentials never appear in a logged URL', () => {
    expect(redactUrl('amqp://guest:secret@host:5672/vh')).toBe('amqp://guest:***@host:5672/vh');
  });
});
