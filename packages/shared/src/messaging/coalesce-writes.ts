/**
 * amqplib's connection has one muxer that, on a `setImmediate` after a channel has frames to send,
 * takes every frame waiting in every channel and writes each to the socket on its own: a batch's
 * forty publishes and its multiple-ack are forty-one `write` syscalls, the largest single item in
 * the services' CPU profiles. Corking the socket for the muxer's pass lets Node hand all of them
 * to the kernel in one `writev`: the same bytes in the same order, the same flow control (the
 * muxer still stops when `write` reports the socket full). A cork released on the next tick
 * would not do: the muxer runs after it.
 *
 * This reaches into amqplib's internals (`lib/mux.js`, stable since 0.5); when they are not as
 * expected the patch is left out and amqplib writes as before.
 */
interface MuxLike {
  out: { cork?: () => void; uncork?: () => void };
  _readIncoming: () => void;
}

let applied: boolean | undefined;

export function coalesceSocketWrites(): boolean {
  if (applied !== undefined) return applied;
  applied = false;
  let mux: { Mux?: { prototype: MuxLike } };
  try {
    // An internal module, without types or an export map entry of its own.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mux = require('amqplib/lib/mux') as typeof mux;
  } catch {
    return applied;
  }
  const proto = mux.Mux?.prototype;
  if (!proto || typeof proto._readIncoming !== 'function') return applied;
  const readIncoming = proto._readIncoming;
  proto._readIncoming = function (this: MuxLike) {
    const out = this.out;
    if (typeof out.cork !== 'function' || typeof out.uncork !== 'function') return readIncoming.call(this);
    out.cork();
    try {
      readIncoming.call(this);
    } finally {
      out.uncork();
    }
  };
  applied = true;
  return applied;
}
