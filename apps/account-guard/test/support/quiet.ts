import type { RunningService } from '@account-security/shared';
import { Sentinel, barrier, inFlightAt } from '@account-security/shared/testing';
import { LOGIN_RECORDED_QUEUE } from '../../src/entry-points/login-recorded.consumer';
import { accountIdFor, loginRecorded } from './events';
import { Harness, phoneFor } from './harness';

/**
 * A foreign login of an account of its own with the notify policy: its `login.assessed` reaches
 * the harness's collector, and its email (when an SMTP server runs) and SMS go through the
 * same outbox as the test's notices. A fresh account each time, so no hourly cap is reached.
 */
function sentinelLogin(h: Harness): Sentinel {
  const acc = accountIdFor('sentinel');
  const channels = h.smtp ? (['email', 'sms'] as const) : (['sms'] as const);
  const login = loginRecorded({ accountId: acc, country: 'JP' });
  const email = `${acc}@players.example.test`;
  return {
    what: `login of ${acc}`,
    send: async () => {
      await h.protect(acc, 'notify', { channels: [...channels] });
      await h.publish(login);
    },
    seen: () =>
      h.out.of('login.assessed').some((m) => m.body.data.loginEventId === login.correlationid) &&
      (!h.smtp || h.smtp.to(email).length > 0) &&
      h.twilio.to(phoneFor(acc)).length > 0,
  };
}

/**
 * Returns once everything published to account-guard so far has been decided and carried out,
 * the outbox has nothing pending, and a later sentinel's assessment, email and SMS have arrived
 * (see barrier.ts for what that proves): after it, "nothing else happens" can be asserted.
 * `replicas`: other instances consuming the same queue.
 */
export async function untilQuiet(h: Harness, replicas: RunningService[] = []): Promise<void> {
  await barrier.afterQueue({
    vhost: h.vhost,
    queue: {
      name: LOGIN_RECORDED_QUEUE.name,
      inFlight: inFlightAt([h.svc, ...replicas], LOGIN_RECORDED_QUEUE.name),
    },
    before: () => h.settled(),
    sentinel: () => sentinelLogin(h),
  });
}
