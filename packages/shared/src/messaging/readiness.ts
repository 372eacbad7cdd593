import type { Broker } from './broker';
import { internalsOf } from './internals';

/**
 * Readiness: not ready while a queue has other arguments than this version declares (an older
 * version's queue, or a hostile re-declaration); the messages keep flowing through it meanwhile.
 */
export function queueArgumentsCheck(broker: Broker): { name: string; check: () => void } {
  const internals = internalsOf(broker);
  return {
    name: 'queues',
    check: () => {
      const found = internals.queueMismatches();
      if (found.length === 0) return;
      throw new Error(
        found
          .map((m) => `queue ${m.queue} exists with other arguments (${m.differs}); drain and delete it`)
          .join('; '),
      );
    },
  };
}
