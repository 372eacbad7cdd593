/**
 * A real three-node RabbitMQ cluster on this machine, started and stopped by the chaos test
 * (issue #14, the cluster scenario). Each node has its own name (rt1..rt3@localhost), AMQP and
 * distribution ports, config file, plugins file, data and log directories under one parent in
 * the temp directory, and the cluster has its own Erlang cookie: nothing here reads or writes the
 * machine's broker on 5672/25672 or its files in /etc/rabbitmq and /var/lib/rabbitmq.
 *
 * Clean-up, even when the caller fails: `stop()` (for the caller's `finally`/`afterAll`); a
 * process 'exit'/SIGINT/SIGTERM hook that kills the nodes synchronously; a watchdog shell that
 * kills them when this process dies without running any hook (SIGKILL; and under jest, whose
 * test files get a copy of `process` whose 'exit' listeners never fire); and at start, the
 * removal of whatever an earlier run left (its node VMs still running, its directories).
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { uniqueName } from '@account-security/shared/testing';

/** Where rabbitmq-server and rabbitmqctl live (the scripts themselves, not the su wrappers in /usr/sbin). */
const RABBIT_BIN = process.env.CLUSTER_RABBITMQ_BIN ?? '/usr/lib/rabbitmq/bin';
/** Every run's directory is `<tmp>/as-rabbit-cluster-<pid>-<random>`; a later run removes stale ones. */
const DIR_PREFIX = 'as-rabbit-cluster-';
/** Put on each node's Erlang command line, so its VM can be found (and killed) by a later run. */
const MARKER = '-as_rabbit_cluster';
const NODE_NAMES = ['rt1@localhost', 'rt2@localhost', 'rt3@localhost'];
const HOST = '127.0.0.1';
const EPMD_PORT = Number(process.env.ERL_EPMD_PORT ?? 4369);

const BOOT_TIMEOUT_MS = 120_000;
const JOIN_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const KILL_TIMEOUT_MS = 10_000;
const CTL_TIMEOUT_MS = 30_000;

export interface ClusterNode {
  /** Erlang node name, `rt1@localhost`. */
  name: string;
  /** AMQP port on 127.0.0.1. */
  port: number;
  /** Distribution (inter-node and CLI) port. */
  distPort: number;
  url(vhost: string): string;
}

export interface ClusterVhost {
  name: string;
  /** The URLs of all nodes, comma-separated: the multi-host `AMQP_URL` form. */
  url: string;
  urls: string[];
  delete(): Promise<void>;
}

export interface QueueInfo {
  leader: string;
  /** Every node holding a replica, running or not. */
  members: string[];
  /** The members whose replica is running now. */
  online: string[];
}

export interface QueueRow extends QueueInfo {
  name: string;
  /** 'quorum', 'classic' or 'stream'. */
  type: string;
  messages: number;
}

export interface Cluster {
  nodes: ClusterNode[];
  /** The parent of all the nodes' directories (config, data, logs). */
  dir: string;
  /** A vhost on the cluster in which guest may do anything. */
  createVhost(label: string): Promise<ClusterVhost>;
  queueInfo(vhost: string, queue: string): Promise<QueueInfo>;
  /** Every queue of a vhost with its replicas (empty for a classic queue) and depth. */
  listQueues(vhost: string): Promise<QueueRow[]>;
  /** Resolves with the queue's leader once it is another node than `old`, and that node is online. */
  awaitNewLeader(vhost: string, queue: string, old: ClusterNode, timeoutMs?: number): Promise<ClusterNode>;
  /** The node that leads a quorum queue, as the cluster's metadata says. */
  leaderOf(vhost: string, queue: string): Promise<ClusterNode>;
  /** The nodes holding a replica of a quorum queue. */
  membersOf(vhost: string, queue: string): Promise<string[]>;
  /** The nodes the cluster reports running, asked of a live node. */
  runningNodes(): Promise<string[]>;
  /** rabbitmqctl against `node` (by default the first live node); resolves with its stdout. */
  ctl(args: string[], node?: ClusterNode): Promise<string>;
  isUp(node: ClusterNode): boolean;
  /** kill -9 of the node's Erlang VM (beam.smp); resolves when the process is gone. */
  kill(node: ClusterNode): Promise<void>;
  /** Starts a killed node again with the same environment; resolves when it runs in the cluster. */
  restart(node: ClusterNode): Promise<void>;
  /** Stops every node and deletes the directories. Idempotent. */
  stop(): Promise<void>;
}

interface NodeState {
  node: ClusterNode;
  env: NodeJS.ProcessEnv;
  /** The rabbitmq-server shell (leader of the node's own process group), while it runs. */
  child?: ChildProcess;
  exited?: Promise<void>;
  stdoutPath: string;
}

/** Who runs the nodes and the CLI: as root, the `rabbitmq` user (as the packaged scripts do);
 * otherwise the current user, as is (no uid/gid options: only root may set them). */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('rabbitmq:'));
  if (!line) throw new Error('cluster: running as root, but there is no `rabbitmq` user to run the nodes as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sleepSync(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isAlive(pid: number): boolean {
  try {
    // A zombie still has a /proc entry; it is gone for our purposes.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Every node VM of this module (from any run) still alive: pid, node name and run directory. */
export function findClusterVms(): { pid: number; node: string; dir: string }[] {
  const found: { pid: number; node: string; dir: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const i = args.indexOf(MARKER);
    if (i < 0 || !args[0]?.endsWith('beam.smp') || !isAlive(Number(entry))) continue;
    found.push({ pid: Number(entry), dir: args[i + 1] ?? '', node: args[i + 2] ?? '' });
  }
  return found;
}

/** The names registered with epmd (the Erlang port mapper every node on this machine uses). */
export function epmdNames(): Promise<{ name: string; port: number }[]> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(EPMD_PORT, HOST);
    const chunks: Buffer[] = [];
    sock.setTimeout(5000, () => sock.destroy(new Error('cluster: epmd did not answer within 5 s')));
    sock.on('connect', () => sock.write(Buffer.from([0, 1, 110]))); // NAMES_REQ
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', (err: NodeJS.ErrnoException) =>
      // No epmd yet: the first node starts one (as the packaged server does), and nothing is registered.
      err.code === 'ECONNREFUSED' ? resolve([]) : reject(err),
    );
    sock.on('close', () => {
      const text = Buffer.concat(chunks).subarray(4).toString('utf8');
      resolve(
        [...text.matchAll(/^name (\S+) at port (\d+)$/gm)].map((m) => ({
          name: m[1] ?? '',
          port: Number(m[2]),
        })),
      );
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: HOST, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function killVmsSync(pids: number[]) {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  const deadline = Date.now() + KILL_TIMEOUT_MS;
  while (pids.some(isAlive) && Date.now() < deadline) sleepSync(20);
}

/** The process that started the run owning `dir` (its pid is in the directory's name). */
const ownerOf = (dir: string) => Number(path.basename(dir).slice(DIR_PREFIX.length).split('-')[0]);
const ownerGone = (dir: string) => {
  const owner = ownerOf(dir);
  return !owner || owner === process.pid || !isAlive(owner);
};

/**
 * Kills the node VMs and removes the directories that earlier runs left behind (killed, or dead
 * before any hook ran). A cluster whose starting process still lives is another run's: it stays,
 * and since its nodes hold the names rt1..rt3, starting a second one fails with a clear error.
 */
export function removeLeftovers(): { killed: number; removed: string[] } {
  const vms = findClusterVms().filter((v) => ownerGone(v.dir));
  killVmsSync(vms.map((v) => v.pid));
  const removed: string[] = [];
  const tmp = os.tmpdir();
  for (const entry of readdirSync(tmp)) {
    if (!entry.startsWith(DIR_PREFIX) || !ownerGone(entry)) continue;
    rmSync(path.join(tmp, entry), { recursive: true, force: true });
    removed.push(entry);
  }
  return { killed: vms.length, removed };
}

function run(
  file: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; user?: { uid: number; gid: number }; cwd: string; timeoutMs: number },
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        env: opts.env,
        ...opts.user,
        cwd: opts.cwd,
        timeout: opts.timeoutMs,
        killSignal: 'SIGKILL',
      },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const why = err.killed ? `timed out after ${opts.timeoutMs} ms` : `exit ${err.code}`;
        reject(new Error(`${path.basename(file)} ${args.join(' ')}: ${why}: ${(stderr || stdout).trim()}`));
      },
    );
  });
}

/** A clean environment for the nodes and the CLI: nothing of the caller's RABBITMQ_/ERL_ settings. */
function baseEnv(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(RABBITMQ_|ERL_|ERLANG_|CLUSTER_)/.test(k)) env[k] = v;
  }
  return {
    ...env,
    // Erlang reads the cookie from $HOME/.erlang.cookie: the cluster's own, not the machine's.
    HOME: dir,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    ERL_EPMD_ADDRESS: HOST,
    // The machine's rabbitmq-env.conf names the machine's node; the nodes here read their own.
    RABBITMQ_CONF_ENV_FILE: path.join(dir, 'rabbitmq-env.conf'),
  };
}

export async function startCluster(
  opts: { basePort?: number; distBasePort?: number } = {},
): Promise<Cluster> {
  const basePort = opts.basePort ?? Number(process.env.CLUSTER_BASE_PORT ?? 5801);
  const distBase = opts.distBasePort ?? basePort + 20_000;
  const user = runAs();

  removeLeftovers();
  const running = findClusterVms();
  if (running.length)
    throw new Error(
      `cluster: another run (pid ${ownerOf(running[0]!.dir)}) has its nodes up: ${running.map((v) => v.node).join(', ')}`,
    );
  // A killed node's name leaves epmd when its connection drops, a moment after the VM is gone.
  let clash: string[];
  for (const deadline = Date.now() + 5000; ; await sleep(100)) {
    const registered = (await epmdNames()).map((r) => r.name);
    clash = NODE_NAMES.map((n) => n.slice(0, n.indexOf('@'))).filter((n) => registered.includes(n));
    if (!clash.length || Date.now() > deadline) break;
  }
  if (clash.length)
    throw new Error(
      `cluster: epmd has ${clash.join(', ')} registered: an Erlang node not started by this module has the name`,
    );
  const ports = NODE_NAMES.flatMap((_, i) => [basePort + i, distBase + i]);
  const taken: number[] = [];
  for (const p of ports) if (!(await portIsFree(p))) taken.push(p);
  if (taken.length)
    throw new Error(`cluster: ports ${taken.join(', ')} on ${HOST} are in use; pass another basePort`);

  const dir = path.join(os.tmpdir(), `${DIR_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { mode: 0o700 });
  const env0 = baseEnv(dir);
  writeFileSync(
    path.join(dir, 'rabbitmq-env.conf'),
    '# this cluster reads its settings from the environment\n',
  );
  writeFileSync(path.join(dir, '.erlang.cookie'), randomBytes(20).toString('hex').toUpperCase(), {
    mode: 0o400,
  });
  const ctlOpts = { env: env0, user, cwd: dir, timeoutMs: CTL_TIMEOUT_MS };

  const states: NodeState[] = NODE_NAMES.map((name, i) => {
    const short = name.slice(0, name.indexOf('@'));
    const port = basePort + i;
    const distPort = distBase + i;
    const conf = path.join(dir, `${short}.conf`);
    writeFileSync(
      conf,
      [
        `listeners.tcp.local = ${HOST}:${port}`,
        'loopback_users.guest = true',
        'log.console = false',
        'log.file.level = info',
        // A node that cannot reach the others after a restart keeps trying instead of giving up.
        'mnesia_table_loading_retry_timeout = 10000',
        'mnesia_table_loading_retry_limit = 30',
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(dir, `${short}.enabled_plugins`), '[].\n');
    mkdirSync(path.join(dir, 'log', short), { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...env0,
      RABBITMQ_NODENAME: name,
      RABBITMQ_NODE_IP_ADDRESS: HOST,
      RABBITMQ_NODE_PORT: String(port),
      RABBITMQ_DIST_PORT: String(distPort),
      RABBITMQ_CONFIG_FILE: conf,
      RABBITMQ_ADVANCED_CONFIG_FILE: path.join(dir, `${short}.advanced.config`),
      RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, `${short}.enabled_plugins`),
      RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: path.join(dir, 'log', short),
      RABBITMQ_PID_FILE: path.join(dir, `${short}.pid`),
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: `-kernel inet_dist_use_interface {127,0,0,1} ${MARKER} ${dir} ${name}`,
    };
    const node: ClusterNode = {
      name,
      port,
      distPort,
      url: (vhost) => `amqp://guest:guest@${HOST}:${port}/${encodeURIComponent(vhost)}`,
    };
    return { node, env, stdoutPath: path.join(dir, 'log', `${short}.stdout.log`) };
  });
  mkdirSync(path.join(dir, 'mnesia'));
  if (user) chownRecursive(dir, user.uid, user.gid);

  const stateOf = (node: ClusterNode) => {
    const s = states.find((x) => x.node.name === node.name);
    if (!s) throw new Error(`cluster: ${node.name} is not a node of this cluster`);
    return s;
  };
  const isUp = (node: ClusterNode) => !!stateOf(node).child;
  const firstUp = () => {
    const s = states.find((x) => x.child);
    if (!s) throw new Error('cluster: no node is running');
    return s.node;
  };
  const ctl = (args: string[], node: ClusterNode = firstUp()) =>
    run(path.join(RABBIT_BIN, 'rabbitmqctl'), ['-q', '-n', node.name, ...args], ctlOpts);

  const spawnNode = (s: NodeState) => {
    const out = openSync(s.stdoutPath, 'a');
    const child = spawn(path.join(RABBIT_BIN, 'rabbitmq-server'), [], {
      env: s.env,
      ...user,
      cwd: dir,
      detached: true, // its own process group, out of reach of the terminal's Ctrl-C: the hooks stop it
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    child.unref();
    s.child = child;
    writeFileSync(path.join(dir, `${s.node.name.split('@')[0]}.pgid`), String(child.pid));
    s.exited = new Promise((resolve) => {
      const gone = () => {
        if (s.child === child) s.child = undefined;
        resolve();
      };
      child.once('exit', gone);
      child.once('error', (err) => {
        writeFileSync(s.stdoutPath, `cluster: could not start rabbitmq-server: ${err.message}\n`, {
          flag: 'a',
        });
        gone();
      });
    });
  };

  const tail = (s: NodeState) => {
    const files = [s.stdoutPath, path.join(s.env.RABBITMQ_LOG_BASE!, `${s.node.name}.log`)];
    return files
      .filter(existsSync)
      .map((f) => `--- ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-25).join('\n')}`)
      .join('\n');
  };

  /** Resolves when the node has booted; rejects if its VM exits or the time runs out. */
  const awaitBoot = async (s: NodeState, timeoutMs = BOOT_TIMEOUT_MS) => {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      if (!s.child) throw new Error(`cluster: ${s.node.name} exited while starting\n${tail(s)}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`cluster: ${s.node.name} did not boot within ${timeoutMs} ms (${last})\n${tail(s)}`);
      try {
        await run(
          path.join(RABBIT_BIN, 'rabbitmqctl'),
          [
            '-q',
            '-n',
            s.node.name,
            'await_startup',
            '--timeout',
            String(Math.max(1, Math.ceil(left / 1000))),
          ],
          { ...ctlOpts, timeoutMs: left + 5000 },
        );
        return;
      } catch (err) {
        // Before the node registers with epmd the CLI cannot reach it at all and fails at once.
        last = (err as Error).message.split('\n')[0] ?? '';
        await sleep(500);
      }
    }
  };

  const runningNodes = async (node?: ClusterNode) => {
    const status = JSON.parse(await ctl(['cluster_status', '--formatter', 'json'], node));
    return (status.running_nodes as string[]).slice().sort();
  };

  /** Resolves when every live node counts all of `names` among the cluster's running nodes. */
  const awaitRunning = async (names: string[], timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    let seen: string[] = [];
    while (Date.now() < deadline) {
      const views = await Promise.all(
        states.filter((x) => x.child).map((x) => runningNodes(x.node).catch(() => [] as string[])),
      );
      seen = views[0] ?? [];
      if (views.length && views.every((v) => names.every((n) => v.includes(n)))) return;
      await sleep(500);
    }
    throw new Error(
      `cluster: ${names.join(', ')} not all among the running nodes after ${timeoutMs} ms (running: ${seen.join(', ')})`,
    );
  };

  let stopped = false;
  const watchdog = startWatchdog(dir);
  const onExit = () => {
    const pids = findClusterVms()
      .filter((v) => v.dir === dir)
      .map((v) => v.pid);
    for (const s of states) {
      if (s.child?.pid) {
        try {
          process.kill(-s.child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    killVmsSync(pids);
    rmSync(dir, { recursive: true, force: true });
    watchdog.kill('SIGKILL');
  };
  const onSignal = (signal: NodeJS.Signals) => {
    onExit();
    removeHooks();
    // Others listening decide how the process ends; otherwise end it as the signal would have.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const removeHooks = () => {
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(
      states.map(async (s) => {
        const child = s.child;
        if (!child?.pid) return;
        // SIGTERM to rabbitmq-server's shell: it stops the node the way `rabbitmqctl stop` does.
        child.kill('SIGTERM');
        const graceful = await Promise.race([
          s.exited!.then(() => true),
          sleep(STOP_TIMEOUT_MS).then(() => false),
        ]);
        if (!graceful) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            /* gone */
          }
          await Promise.race([s.exited, sleep(KILL_TIMEOUT_MS)]);
        }
      }),
    );
    const left = findClusterVms().filter((v) => v.dir === dir);
    killVmsSync(left.map((v) => v.pid));
    watchdog.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    removeHooks();
  };

  try {
    for (const s of states) spawnNode(s);
    await Promise.all(states.map((s) => awaitBoot(s)));
    const [first, ...rest] = states as [NodeState, ...NodeState[]];
    // One at a time: two nodes joining at once may both copy the schema while it changes.
    for (const s of rest) {
      await ctl(['stop_app'], s.node);
      await ctl(['join_cluster', first.node.name], s.node);
      await ctl(['start_app'], s.node);
    }
    await awaitRunning(NODE_NAMES, JOIN_TIMEOUT_MS);
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }

  const listQueues = async (vhost: string): Promise<QueueRow[]> => {
    const items = ['name', 'type', 'leader', 'members', 'online', 'messages'];
    const rows = JSON.parse(
      await ctl(['list_queues', '-p', vhost, ...items, '--formatter', 'json']),
    ) as Record<string, unknown>[];
    // Classic queues have no leader or members: the CLI gives '' for those columns.
    const nodes = (v: unknown) => (Array.isArray(v) ? (v as string[]).slice().sort() : []);
    return rows.map((r) => ({
      name: String(r.name),
      type: String(r.type),
      leader: typeof r.leader === 'string' ? r.leader : '',
      members: nodes(r.members),
      online: nodes(r.online),
      messages: Number(r.messages ?? 0),
    }));
  };

  const queueInfo = async (vhost: string, queue: string): Promise<QueueInfo> => {
    const row = (await listQueues(vhost)).find((r) => r.name === queue);
    if (!row) throw new Error(`cluster: no queue ${queue} in vhost ${vhost}`);
    if (row.type !== 'quorum')
      throw new Error(`cluster: ${queue} in ${vhost} is a ${row.type} queue, not a quorum queue`);
    return { leader: row.leader, members: row.members, online: row.online };
  };

  const nodeNamed = (name: string) => {
    const s = states.find((x) => x.node.name === name);
    if (!s) throw new Error(`cluster: ${name} is not a node of this cluster`);
    return s.node;
  };

  return {
    nodes: states.map((s) => s.node),
    dir,
    isUp,
    ctl,
    runningNodes: () => runningNodes(),
    queueInfo,
    async createVhost(label) {
      const name = uniqueName(label);
      await ctl(['add_vhost', name]);
      await ctl(['set_permissions', '-p', name, 'guest', '.*', '.*', '.*']);
      const urls = states.map((s) => s.node.url(name));
      return {
        name,
        urls,
        url: urls.join(','),
        delete: async () => {
          if (states.some((s) => s.child)) await ctl(['delete_vhost', name]).catch(() => undefined);
        },
      };
    },
    listQueues,
    async leaderOf(vhost, queue) {
      return nodeNamed((await queueInfo(vhost, queue)).leader);
    },
    async awaitNewLeader(vhost, queue, old, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < deadline) {
        try {
          const info = await queueInfo(vhost, queue);
          last = `leader ${info.leader}, online ${info.online.join(' ')}`;
          if (info.leader !== old.name && info.online.includes(info.leader)) return nodeNamed(info.leader);
        } catch (err) {
          last = (err as Error).message;
        }
        await sleep(100);
      }
      throw new Error(`cluster: no new leader for ${queue} in ${vhost} within ${timeoutMs} ms (${last})`);
    },
    async membersOf(vhost, queue) {
      return (await queueInfo(vhost, queue)).members;
    },
    async kill(node) {
      const s = stateOf(node);
      if (!s.child) throw new Error(`cluster: ${node.name} is not running`);
      const vms = findClusterVms().filter((v) => v.dir === dir && v.node === node.name);
      if (!vms.length) throw new Error(`cluster: no Erlang VM found for ${node.name}`);
      for (const v of vms) process.kill(v.pid, 'SIGKILL');
      const deadline = Date.now() + KILL_TIMEOUT_MS;
      while (vms.some((v) => isAlive(v.pid)) || s.child) {
        if (Date.now() > deadline)
          throw new Error(`cluster: ${node.name} still alive ${KILL_TIMEOUT_MS} ms after kill -9`);
        await sleep(20);
      }
    },
    async restart(node) {
      const s = stateOf(node);
      if (stopped) throw new Error('cluster: stopped');
      if (s.child) throw new Error(`cluster: ${node.name} is still running`);
      spawnNode(s);
      await awaitBoot(s);
      await awaitRunning([node.name], JOIN_TIMEOUT_MS);
    },
    stop,
  };
}

function chownRecursive(p: string, uid: number, gid: number) {
  chownSync(p, uid, gid);
  for (const e of readdirSync(p, { withFileTypes: true })) {
    const full = path.join(p, e.name);
    if (e.isDirectory()) chownRecursive(full, uid, gid);
    else chownSync(full, uid, gid);
  }
}

/**
 * A shell that outlives this process if it is killed outright (no 'exit' hook runs then): once
 * this process is gone it kills every node's process group and removes the directory. It ends
 * by itself when the directory goes (a normal stop).
 */
function startWatchdog(dir: string): ChildProcess {
  // POSIX sh (dash): `kill -9 -PGID` signals the group; dash's kill takes no `--`.
  const script = `
    while [ -d "$1" ] && kill -0 "$2" 2>/dev/null; do sleep 1; done
    [ -d "$1" ] || exit 0
    for f in "$1"/*.pgid; do [ -f "$f" ] && kill -9 "-$(cat "$f")" 2>/dev/null; done
    sleep 1
    rm -rf "$1"`;
  const child = spawn('/bin/sh', ['-c', script, 'as-rabbit-cluster-watchdog', dir, String(process.pid)], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return child;
}

/** For a caller that wants to check nothing is left: node VMs of any run, and run directories. */
export function leftovers(): { vms: { pid: number; node: string; dir: string }[]; dirs: string[] } {
  return {
    vms: findClusterVms(),
    dirs: readdirSync(os.tmpdir()).filter((e) => e.startsWith(DIR_PREFIX)),
  };
}
