/**
 * Test harness for `yoto deploy` against ROS 1 without a robot: starts a private roscore, the FAKE
 * dual-arm controllers (test/ros/fake_arms.py, standing in for two arms' ros_control
 * joint_trajectory_controllers and grippers) and the FAKE rosbridge v2 JSON server
 * (test/ros/rosbridge_server.py, standing in for rosbridge_suite's rosbridge_websocket, which Debian
 * does not package), all on free ports on 127.0.0.1, each in its own process group, with ROS_HOME
 * and ROS_LOG_DIR in a fresh temp dir. Python children run under /usr/bin/python3 (the apt ROS
 * packages are invisible to a pyenv python3 on PATH).
 *
 * Topics (see fake_arms.py): /left_arm_controller/command and /right_arm_controller/command
 * (trajectory_msgs/JointTrajectory), /left_gripper/command and /right_gripper/command
 * (std_msgs/Float64, metres, 0 closed … 0.045 open), /joint_states (sensor_msgs/JointState, 50 Hz,
 * ARM_JOINT_NAMES), service /fake_arms/reset (std_srvs/Trigger). Every command the fake arms
 * receive is one JSON line in `commandLog` (read it with `commands()`).
 *
 * Never call /rosout/get_loggers: Debian's rosout crashes on it (the fake bridge refuses /rosout/*).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

export const PYTHON = '/usr/bin/python3';
/** What bootstrap.sh checks too: rospy, websockets and the message packages the fakes use. */
export const ROS_PY_IMPORTS = 'import rospy, websockets, sensor_msgs.msg, trajectory_msgs.msg, std_srvs.srv';
const HERE = path.dirname(fileURLToPath(import.meta.url));

export const ARM_JOINTS = [
  'shoulder_pan_joint', 'shoulder_lift_joint', 'elbow_joint', 'wrist_1_joint', 'wrist_2_joint', 'wrist_3_joint',
] as const;
/** /joint_states names in order: left arm's six, left finger, right arm's six, right finger. */
export const ARM_JOINT_NAMES: readonly string[] = ['left', 'right'].flatMap((side) => [
  ...ARM_JOINTS.map((j) => `${side}_${j}`), `${side}_gripper_finger_joint`,
]);
export const DEFAULT_HOME = {
  left: [-0.463, -2.124, 2.161, -1.608, -1.571, 2.679],
  right: [-0.463, -2.124, 2.161, -1.608, -1.571, -0.463],
  left_gripper: 0.045,
  right_gripper: 0.045,
};
export const GRIPPER_OPEN = 0.045;

export type ChildName = 'roscore' | 'arms' | 'bridge';
export type FaultTarget = 'bridge' | 'arms';

export interface RosHarnessOptions {
  /** Initial joint positions for the fake arms (any subset of DEFAULT_HOME's keys). */
  home?: Partial<typeof DEFAULT_HOME>;
  /** /joint_states rate, Hz (default 50). */
  jointStateRate?: number;
  /** Startup deadline in ms (default 30 000). */
  startTimeoutMs?: number;
  /** Keep the temp dir (logs, command log) after stop(); also when YOTO_KEEP_ROS_TMP is set. */
  keepTmp?: boolean;
}

/** One line of the fake arms' command log. */
export interface CommandRecord {
  topic: string;
  type: string;
  /** ROS time of receipt, seconds. */
  t: number;
  /** The message as rosbridge JSON: header {seq, stamp {secs,nsecs}, frame_id}, joint_names, points
   * [{positions, velocities, accelerations, effort, time_from_start {secs,nsecs}}], or {data}. */
  msg: any;
  accepted: boolean;
  reason: string | null;
}

export interface RosHarness {
  masterUri: string;
  bridgeUrl: string;
  /** JSON-lines file the fake arms append every received command to. */
  commandLog: string;
  tmp: string;
  /** Parsed commandLog (optionally only one topic). */
  commands(topic?: string): CommandRecord[];
  /** SIGSTOP / SIGCONT a child's process group. */
  pause(name: FaultTarget): void;
  resume(name: FaultTarget): void;
  /** SIGKILL a child's process group (stop() copes). */
  kill(name: FaultTarget): void;
  /** Start a killed (or running: it is killed first) child again, on the same port; resolves when ready. */
  restart(name: FaultTarget): Promise<void>;
  /** Whether the named child is still running (a paused child counts as running). */
  alive(name: ChildName): boolean;
  /** Every process the harness started and is still running (roscore's rosmaster and rosout included). */
  livePids(): number[];
  /** A child's stdout+stderr so far. */
  output(name: ChildName): string;
  /** Stop everything: SIGTERM (SIGINT for roscore), then SIGKILL after a grace period. Idempotent. */
  stop(): Promise<void>;
}

// ---------------------------------------------------------------- availability

let missingCache: string | null | undefined;

/** Why ROS tests cannot run here, or null when roscore and /usr/bin/python3 with rospy are usable. */
export function rosMissing(): string | null {
  if (missingCache !== undefined) return missingCache;
  const why: string[] = [];
  if (!onPath('roscore')) why.push('roscore is not on PATH');
  if (!fs.existsSync(PYTHON)) {
    why.push(`${PYTHON} does not exist`);
  } else {
    const r = spawnSync(PYTHON, ['-c', ROS_PY_IMPORTS], { encoding: 'utf8', timeout: 30_000, env: childEnvBase() });
    if (r.status !== 0) {
      const last = (r.stderr || String(r.error ?? '')).trim().split('\n').pop();
      why.push(`${PYTHON} -c '${ROS_PY_IMPORTS}' failed: ${last}`);
    }
  }
  missingCache = why.length ? `${why.join('; ')} (scripts/bootstrap.sh installs ros-core and the python3-* ROS packages)` : null;
  return missingCache;
}

export function rosAvailable(): boolean {
  return rosMissing() === null;
}

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, cmd), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function childEnvBase(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['PYTHONPATH', 'PYTHONHOME', 'PYTHONSTARTUP', 'ROS_IP', 'ROS_NAMESPACE', 'ROS_PACKAGE_PATH_OVERRIDE']) delete env[k];
  return env;
}

// ---------------------------------------------------------------- processes

interface Proc {
  name: ChildName;
  child: ChildProcess;
  pid: number;
  startTime: string | null;
  exited: Promise<void>;
  done: boolean;
  logFile: string;
}

interface Tracked {
  pid: number;
  startTime: string | null;
}

/** Field 22 of /proc/PID/stat (start time in ticks), or null when the process is gone or a zombie. */
function procStartTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest[0] === 'Z' || rest[0] === 'X') return null;
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(t: Tracked): boolean {
  const now = procStartTime(t.pid);
  return now !== null && (t.startTime === null || now === t.startTime);
}

/** All descendants of `root` (rosmaster and rosout run in their own sessions under roscore). */
function descendants(root: number): Tracked[] {
  const parent = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(rest[1]));
    } catch {
      /* gone */
    }
  }
  const out: Tracked[] = [];
  const frontier = [root];
  while (frontier.length) {
    const p = frontier.pop()!;
    for (const [pid, ppid] of parent) {
      if (ppid === p) {
        out.push({ pid, startTime: procStartTime(pid) });
        frontier.push(pid);
      }
    }
  }
  return out;
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* gone */
    }
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function within<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

// Harnesses still running when the test process exits get SIGKILLed, so no run leaves ROS behind.
const live = new Set<() => void>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const killNow of live) killNow();
  });
}

// ---------------------------------------------------------------- master and bridge probes

/** XML-RPC getSystemState against the master; true when it answers. */
function masterAnswers(masterUri: string): Promise<boolean> {
  const body =
    '<?xml version="1.0"?><methodCall><methodName>getSystemState</methodName>' +
    '<params><param><value><string>/yoto_test_harness</string></value></param></params></methodCall>';
  return new Promise((resolve) => {
    const req = http.request(
      masterUri,
      { method: 'POST', headers: { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body) }, timeout: 1000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve(res.statusCode === 200 && text.includes('methodResponse')));
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end(body);
  });
}

/** Connects to the bridge, subscribes /joint_states and resolves on the first message (or rejects). */
function jointStatesFlow(bridgeUrl: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(bridgeUrl);
    const timer = setTimeout(() => finish(new Error('no /joint_states through the bridge')), ms);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      err ? reject(err) : resolve();
    };
    ws.on('error', (e) => finish(e));
    ws.on('close', () => finish(new Error('bridge closed the connection')));
    ws.on('open', () =>
      ws.send(JSON.stringify({ op: 'subscribe', id: 'harness-ready', topic: '/joint_states', type: 'sensor_msgs/JointState' })),
    );
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      if (m.op === 'publish' && m.topic === '/joint_states') finish();
    });
  });
}

// ---------------------------------------------------------------- startRos

export async function startRos(opts: RosHarnessOptions = {}): Promise<RosHarness> {
  const missing = rosMissing();
  if (missing !== null) throw new Error(`ROS 1 is not installed (${missing}); \`npm test\` installs it through scripts/bootstrap.sh, or run \`npm run bootstrap\``);
  installExitHook();
  const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yoto-ros-'));
  const rosHome = path.join(tmp, 'ros_home');
  fs.mkdirSync(path.join(rosHome, 'log'), { recursive: true });
  const commandLog = path.join(tmp, 'commands.jsonl');
  fs.writeFileSync(commandLog, '');
  const home = { ...DEFAULT_HOME, ...opts.home };

  const procs = new Map<ChildName, Proc>();
  let roscoreChildren: Tracked[] = [];
  let masterUri = '';
  let bridgePort = 0;
  let env: NodeJS.ProcessEnv = {};
  let stopped = false;
  let keepTmp = !!opts.keepTmp || !!process.env.YOTO_KEEP_ROS_TMP;

  const spawnChild = (name: ChildName, cmd: string, args: string[]): Proc => {
    const logFile = path.join(tmp, `${name}.log`);
    const fd = fs.openSync(logFile, 'a');
    const child = spawn(cmd, args, { env, cwd: tmp, detached: true, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    const proc: Proc = {
      name, child, pid: child.pid ?? -1, startTime: null, done: false, logFile,
      exited: new Promise<void>((resolve) => {
        child.once('exit', () => { proc.done = true; resolve(); });
        child.once('error', (e) => { fs.appendFileSync(logFile, `spawn failed: ${e}\n`); proc.done = true; resolve(); });
      }),
    };
    if (proc.pid > 0) proc.startTime = procStartTime(proc.pid);
    procs.set(name, proc);
    return proc;
  };
  const spawnArms = () =>
    spawnChild('arms', PYTHON, [path.join(HERE, 'fake_arms.py'), '--home', JSON.stringify(home), '--log', commandLog,
      '--rate', String(opts.jointStateRate ?? 50)]);
  const spawnBridge = () => spawnChild('bridge', PYTHON, [path.join(HERE, 'rosbridge_server.py'), '--port', String(bridgePort)]);

  const output = (name: ChildName) => {
    const p = procs.get(name);
    try {
      return p ? fs.readFileSync(p.logFile, 'utf8') : '';
    } catch {
      return '';
    }
  };
  const tails = () =>
    [...procs.keys()].map((n) => `--- ${n} (${procs.get(n)!.logFile}):\n${output(n).split('\n').slice(-15).join('\n')}`).join('\n');
  const mustRun = (...names: ChildName[]) => {
    for (const n of names) {
      const p = procs.get(n);
      if (!p || p.done) throw new Error(`${n} exited during startup`);
    }
  };

  const allTracked = (): Tracked[] => {
    const out: Tracked[] = [];
    for (const p of procs.values()) if (p.pid > 0) out.push({ pid: p.pid, startTime: p.startTime });
    const core = procs.get('roscore');
    if (core && !core.done) {
      for (const d of descendants(core.pid)) {
        if (!roscoreChildren.some((t) => t.pid === d.pid)) roscoreChildren.push(d);
      }
    }
    return out.concat(roscoreChildren);
  };

  const killNow = () => {
    for (const t of allTracked()) if (isAlive(t)) signalGroup(t.pid, 'SIGKILL');
  };

  const terminate = async (p: Proc, sig: NodeJS.Signals, graceMs: number) => {
    if (p.done) return;
    signalGroup(p.pid, 'SIGCONT'); // a paused child cannot act on SIGTERM
    signalGroup(p.pid, sig);
    if ((await within(p.exited, graceMs)) === 'timeout') {
      signalGroup(p.pid, 'SIGKILL');
      await within(p.exited, 2000);
    }
  };

  const waitReady = async (ms: number) => {
    const until = Date.now() + ms;
    let last: unknown;
    while (Date.now() < until) {
      mustRun('roscore', 'arms', 'bridge');
      try {
        await jointStatesFlow(`ws://127.0.0.1:${bridgePort}`, Math.max(500, Math.min(3000, until - Date.now())));
        return;
      } catch (e) {
        last = e;
        await sleep(100);
      }
    }
    throw new Error(`bridge/arms not ready: ${last}`);
  };

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    allTracked(); // remember roscore's children while roscore can still be asked
    await Promise.all((['bridge', 'arms'] as const).map((name) => {
      const p = procs.get(name);
      return p ? terminate(p, 'SIGTERM', 4000) : undefined;
    }));
    const core = procs.get('roscore');
    if (core) await terminate(core, 'SIGINT', 6000);
    const until = Date.now() + 3000;
    while (roscoreChildren.some(isAlive) && Date.now() < until) await sleep(50);
    for (const t of roscoreChildren) if (isAlive(t)) signalGroup(t.pid, 'SIGKILL');
    live.delete(killNow);
    if (!keepTmp) fs.rmSync(tmp, { recursive: true, force: true });
  };

  live.add(killNow);
  try {
    // roscore: retry on a fresh port if it dies before answering (port taken between probe and bind).
    for (let attempt = 0; ; attempt++) {
      const masterPort = await freePort();
      masterUri = `http://127.0.0.1:${masterPort}`;
      env = {
        ...childEnvBase(),
        ROS_MASTER_URI: masterUri,
        ROS_HOSTNAME: '127.0.0.1',
        ROS_HOME: rosHome,
        ROS_LOG_DIR: path.join(rosHome, 'log'),
        PYTHONUNBUFFERED: '1',
        PYTHONDONTWRITEBYTECODE: '1',
      };
      const core = spawnChild('roscore', 'roscore', ['-p', String(masterPort)]);
      let up = false;
      while (!core.done && Date.now() < deadline) {
        if (await masterAnswers(masterUri)) {
          up = true;
          break;
        }
        await sleep(100);
      }
      if (up) break;
      await terminate(core, 'SIGINT', 2000);
      if (attempt >= 2 || Date.now() >= deadline) throw new Error(`roscore did not come up on ${masterUri}`);
    }
    bridgePort = await freePort();
    spawnArms();
    spawnBridge();
    await waitReady(deadline - Date.now());
  } catch (e) {
    const detail = tails();
    keepTmp = true; // leave the logs for whoever reads the error
    await stop();
    throw new Error(`startRos failed: ${(e as Error).message}\nlogs in ${tmp}\n${detail}`);
  }

  const child = (name: ChildName) => {
    const p = procs.get(name);
    if (!p) throw new Error(`no child ${name}`);
    return p;
  };

  return {
    masterUri,
    bridgeUrl: `ws://127.0.0.1:${bridgePort}`,
    commandLog,
    tmp,
    commands(topic?: string) {
      const text = fs.existsSync(commandLog) ? fs.readFileSync(commandLog, 'utf8') : '';
      const lines = text.split('\n').filter((l) => l.trim() !== '');
      const all = lines.map((l) => JSON.parse(l) as CommandRecord);
      return topic === undefined ? all : all.filter((c) => c.topic === topic);
    },
    pause: (name) => signalGroup(child(name).pid, 'SIGSTOP'),
    resume: (name) => signalGroup(child(name).pid, 'SIGCONT'),
    kill: (name) => signalGroup(child(name).pid, 'SIGKILL'),
    async restart(name) {
      if (stopped) throw new Error('harness is stopped');
      const p = child(name);
      if (!p.done) {
        signalGroup(p.pid, 'SIGKILL');
        await within(p.exited, 3000);
      }
      name === 'bridge' ? spawnBridge() : spawnArms();
      await waitReady(opts.startTimeoutMs ?? 30_000);
    },
    alive: (name) => {
      const p = procs.get(name);
      return !!p && !p.done && isAlive({ pid: p.pid, startTime: p.startTime });
    },
    livePids: () => allTracked().filter(isAlive).map((t) => t.pid),
    output,
    stop,
  };
}

// ---------------------------------------------------------------- a bare rosbridge JSON client for tests

/** Minimal rosbridge v2 client over `ws`, for tests that check the ROS side without roslib. */
export class BridgeClient {
  private nextId = 0;
  private pending = new Map<string, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private handlers = new Map<string, Set<(msg: any) => void>>();
  /** Every `status` message the bridge sent. */
  readonly statuses: any[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      if (m.op === 'publish') for (const h of this.handlers.get(m.topic) ?? []) h(m.msg);
      else if (m.op === 'service_response') {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        m.result ? p.resolve(m.values) : p.reject(new Error(`service ${m.service} failed: ${m.values}`));
      } else if (m.op === 'status') this.statuses.push(m);
    });
    ws.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('bridge connection closed'));
      this.pending.clear();
    });
  }

  static connect(url: string, timeoutMs = 5000): Promise<BridgeClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`no WebSocket to ${url}`));
      }, timeoutMs);
      ws.once('open', () => {
        clearTimeout(timer);
        ws.on('error', () => {});
        resolve(new BridgeClient(ws));
      });
      ws.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  send(op: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(op));
  }

  subscribe(topic: string, type: string, onMessage: (msg: any) => void, extra: Record<string, unknown> = {}): () => void {
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
      this.send({ op: 'subscribe', id: `subscribe:${topic}`, topic, type, ...extra });
    }
    set.add(onMessage);
    return () => {
      set!.delete(onMessage);
      if (set!.size === 0) {
        this.handlers.delete(topic);
        this.send({ op: 'unsubscribe', id: `subscribe:${topic}`, topic });
      }
    };
  }

  /** Resolves with the first message on `topic` for which `pred` holds. */
  waitFor(topic: string, type: string, pred: (msg: any) => boolean = () => true, timeoutMs = 5000): Promise<any> {
    return new Promise((resolve, reject) => {
      let last: any;
      const timer = setTimeout(() => {
        off();
        reject(new Error(`timed out waiting on ${topic}; last message: ${JSON.stringify(last)}`));
      }, timeoutMs);
      const off = this.subscribe(topic, type, (msg) => {
        last = msg;
        if (!pred(msg)) return;
        clearTimeout(timer);
        off();
        resolve(msg);
      });
    });
  }

  advertise(topic: string, type: string): void {
    this.send({ op: 'advertise', id: `advertise:${topic}`, topic, type });
  }

  publish(topic: string, msg: unknown): void {
    this.send({ op: 'publish', topic, msg });
  }

  callService<T = any>(service: string, args: unknown = {}, timeoutMs = 5000): Promise<T> {
    const id = `call_service:${service}:${++this.nextId}`;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no response from ${service}`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => { clearTimeout(timer); resolve(v); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.send({ op: 'call_service', id, service, args });
    });
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 1000);
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.ws.close();
    });
  }
}
