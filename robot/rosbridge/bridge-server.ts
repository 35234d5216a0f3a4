/**
 * A rosbridge v2 protocol server (the WebSocket side of rosbridge_suite) for a host that is not
 * ROS: the host advertises topics it publishes, listens on topics clients publish, and serves
 * services and (ROS 2) actions; clients speak to it as to any rosbridge, with roslib or roslibpy.
 *
 * Ops: advertise, unadvertise, publish, subscribe (throttle_rate, queue_length, fragment_size,
 * compression 'cbor'), unsubscribe, call_service → service_response, send_action_goal →
 * action_feedback / action_result and cancel_action_goal (ROS 2 dialect only), incoming
 * `fragment` reassembly, set_level, auth (accepted); `status` messages for errors. rosapi's
 * /rosapi/get_ros_version, topics, topic_type, topics_for_type, services, service_type and
 * action_servers are served from what the server knows.
 *
 * As rosbridge does: messages a client publishes go to the host's listeners and to every
 * subscribed client; a client subscribed to a topic twice (two roslib Topic objects) gets each
 * message once, with the smallest throttle, the largest queue and the smallest fragment size of
 * its requests; a `compression: 'cbor'` subscription gets the publish op CBOR-encoded as one
 * binary frame (uint8[] as a byte string), other subscriptions JSON text (uint8[] as base64),
 * cut into `fragment` ops `{id, data, num, total}` when longer than fragment_size characters.
 * Closing a client drops its subscriptions and advertisements.
 *
 * Status messages are sent at the client's level (set_level; default 'warning': errors and
 * warnings) with the id of the op they answer. A host listener or service that throws a
 * YotoError answers with a warning carrying its message (a refused command); any other throw is
 * an error.
 *
 *   const bridge = await startBridgeServer({ dialect: 'ros1', port: 0 });
 *   const js = bridge.advertise('/joint_states', 'sensor_msgs/JointState');
 *   bridge.subscribe('/cmd', 'std_msgs/Float64', (msg, from) => ...);
 *   bridge.advertiseService('/reset', 'std_srvs/Trigger', () => ({ success: true, message: '' }));
 *   js.publish(buildJointState('ros1', ...));
 *   await bridge.close();
 */
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { z } from 'zod';
import { isYotoError } from '../../core/errors.ts';
import { describeZodError } from '../../core/read.ts';
import { decodeCbor, encodeCbor } from './cbor.ts';
import { ROS2_GOAL_STATUS, rosType, sameRosType, type RosDialect, type RosTypeKind } from './messages.ts';
import { encodeRosJson, parseRosJson } from './wire-json.ts';

export type StatusLevel = 'info' | 'warning' | 'error' | 'none';
const LEVEL_RANK: Record<StatusLevel, number> = { info: 0, warning: 1, error: 2, none: 3 };

export interface BridgeServerOptions {
  dialect: RosDialect;
  /** Default 9090; 0 picks a free port (see `port` after start). */
  port?: number;
  /** Default 127.0.0.1 (this machine only). */
  host?: string;
  /** What /rosapi/get_ros_version reports (default noetic for ROS 1, humble for ROS 2). */
  distro?: string;
  /** A client's status level until it sends set_level (default 'warning'). */
  statusLevel?: StatusLevel;
  /** Lines about clients connecting and leaving. */
  log?: (line: string) => void;
  /** A subscriber whose socket has more than this many bytes queued misses messages (default 8 MiB). */
  maxBufferedBytes?: number;
}

/** A connected client, as host callbacks see it. */
export interface BridgeClient {
  readonly id: number;
  readonly address: string;
  readonly connected: boolean;
}

/** Sender of the message or call being handled: a client, or null for the host itself. */
export type TopicListener = (msg: unknown, from: BridgeClient | null) => void;
export type ServiceHandler = (args: unknown, from: BridgeClient) => unknown | Promise<unknown>;

export interface BridgePublisher<T = unknown> {
  readonly topic: string;
  readonly type: string;
  /** Clients subscribed now (skip expensive messages when 0). */
  readonly subscriberCount: number;
  publish(msg: T): void;
  unadvertise(): void;
}

/** A ROS 2 action goal a client sent; exactly one of succeed/cancel/abort/reject ends it. */
export interface ActionGoal {
  /** The rosbridge op's id (roslib: `send_action_goal:<action>:<uuid>`). */
  readonly id: string;
  readonly action: string;
  readonly args: unknown;
  readonly client: BridgeClient;
  /** Still running (no result sent yet). */
  readonly active: boolean;
  feedback(values: unknown): void;
  succeed(values: unknown): void;
  cancel(values: unknown): void;
  abort(values: unknown): void;
  /** Refused: `result: false` with the reason (roslib's failedCallback). */
  reject(reason: string): void;
}

export interface ActionHandlers {
  goal(goal: ActionGoal): void;
  /** cancel_action_goal for an active goal (default: cancel it with no values). */
  cancel?(goal: ActionGoal): void;
}

interface SubRequest {
  throttle: number;
  queueLength: number;
  fragmentSize: number;
  compression: 'none' | 'cbor';
}

/** One message on its way out, encoded at most once per format whoever receives it. */
class Outgoing {
  private jsonText?: string;
  private cborBytes?: Uint8Array;
  constructor(readonly op: Record<string, unknown>) {}
  get json(): string {
    return (this.jsonText ??= encodeRosJson(this.op));
  }
  get cbor(): Uint8Array {
    return (this.cborBytes ??= encodeCbor(this.op));
  }
  /** The same message for a client that named the topic differently (no leading '/'). */
  renamed(field: string, name: string): Outgoing {
    return this.op[field] === name ? this : new Outgoing({ ...this.op, [field]: name });
  }
}

class Subscription {
  readonly requests = new Map<string, SubRequest>();
  queue: Outgoing[] = [];
  lastSent = -Infinity;
  timer?: NodeJS.Timeout;
  constructor(
    /** The topic as the client wrote it (roslib dispatches on that exact string). */
    readonly clientName: string,
  ) {}

  get effective(): SubRequest {
    const r = [...this.requests.values()];
    return {
      throttle: Math.min(...r.map((x) => x.throttle)),
      queueLength: Math.max(...r.map((x) => x.queueLength)),
      fragmentSize: Math.min(...r.map((x) => x.fragmentSize)),
      compression: r.some((x) => x.compression === 'cbor') ? 'cbor' : 'none',
    };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
  }
}

class Connection implements BridgeClient {
  readonly subs = new Map<string, Subscription>();
  /** topic → advertise ids ('' when none). */
  readonly advertised = new Map<string, Set<string>>();
  readonly fragments = new Map<string, { parts: string[]; received: number; total: number }>();
  readonly goals = new Map<string, ActionGoalImpl>();
  level: StatusLevel;
  constructor(
    readonly id: number,
    readonly address: string,
    readonly ws: WebSocket,
    level: StatusLevel,
  ) {
    this.level = level;
  }
  get connected(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }
}

interface TopicEntry {
  /** In the server's dialect. */
  type?: string;
  hostPublishers: number;
  listeners: Set<TopicListener>;
  /** The host advertised it latched: the last message from anyone is kept for new subscribers. */
  latch: boolean;
  latched?: Outgoing;
}

interface ServiceEntry {
  type: string;
  handler: ServiceHandler;
}

interface ActionEntry {
  type: string;
  handlers: ActionHandlers;
}

class ActionGoalImpl implements ActionGoal {
  private done = false;
  constructor(
    private readonly conn: Connection,
    readonly id: string,
    readonly action: string,
    /** The action as the client wrote it. */
    private readonly clientAction: string,
    readonly args: unknown,
    private readonly wantsFeedback: boolean,
    private readonly send: (out: Outgoing) => void,
  ) {}
  get client(): BridgeClient {
    return this.conn;
  }
  get active(): boolean {
    return !this.done;
  }
  feedback(values: unknown): void {
    if (this.done || !this.wantsFeedback) return;
    this.send(new Outgoing({ op: 'action_feedback', id: this.id, action: this.clientAction, values }));
  }
  private finish(op: Record<string, unknown>): void {
    if (this.done) return;
    this.done = true;
    this.conn.goals.delete(this.id);
    this.send(new Outgoing({ op: 'action_result', id: this.id, action: this.clientAction, ...op }));
  }
  succeed(values: unknown): void {
    this.finish({ values, status: ROS2_GOAL_STATUS.SUCCEEDED, result: true });
  }
  cancel(values: unknown): void {
    this.finish({ values, status: ROS2_GOAL_STATUS.CANCELED, result: true });
  }
  abort(values: unknown): void {
    this.finish({ values, status: ROS2_GOAL_STATUS.ABORTED, result: true });
  }
  reject(reason: string): void {
    this.finish({ values: reason, status: ROS2_GOAL_STATUS.ABORTED, result: false });
  }
}

// --- incoming ops -----------------------------------------------------------------------------

const name = z.string().min(1);
const optId = z.string().optional();
const OPS = {
  advertise: z.looseObject({ topic: name, type: name, id: optId, latch: z.boolean().optional() }),
  unadvertise: z.looseObject({ topic: name, id: optId }),
  publish: z.looseObject({ topic: name, msg: z.unknown(), id: optId, latch: z.boolean().optional() }),
  subscribe: z.looseObject({
    topic: name,
    type: z.string().optional(),
    id: optId,
    throttle_rate: z.number().min(0).optional(),
    queue_length: z.number().int().min(0).optional(),
    fragment_size: z.number().int().positive().optional(),
    compression: z.string().optional(),
  }),
  unsubscribe: z.looseObject({ topic: name, id: optId }),
  call_service: z.looseObject({
    service: name,
    args: z.unknown().optional(),
    id: optId,
    fragment_size: z.number().int().positive().optional(),
    compression: z.string().optional(),
  }),
  send_action_goal: z.looseObject({
    action: name,
    action_type: z.string().optional(),
    args: z.unknown().optional(),
    id: z.string().min(1),
    feedback: z.boolean().optional(),
    fragment_size: z.number().int().positive().optional(),
    compression: z.string().optional(),
  }),
  cancel_action_goal: z.looseObject({ action: name, id: z.string().min(1) }),
  fragment: z.looseObject({ id: z.string().min(1), data: z.string(), num: z.number().int().min(0), total: z.number().int().min(1) }),
  set_level: z.looseObject({ level: z.enum(['info', 'warning', 'error', 'none']), id: optId }),
};
const UNSUPPORTED = new Set(['advertise_service', 'unadvertise_service', 'service_response', 'advertise_action', 'unadvertise_action', 'action_feedback', 'action_result', 'png']);

/** ROS names are absolute here (rosbridge's node sits in the root namespace). */
const resolveName = (n: string): string => (n.startsWith('/') ? n : `/${n}`);

const MAX_PENDING_FRAGMENTS = 64;

export class BridgeServer {
  readonly dialect: RosDialect;
  readonly host: string;
  private readonly wss: WebSocketServer;
  private readonly conns = new Set<Connection>();
  private readonly topics = new Map<string, TopicEntry>();
  private readonly services = new Map<string, ServiceEntry>();
  private readonly actions = new Map<string, ActionEntry>();
  private readonly closeListeners = new Set<(client: BridgeClient) => void>();
  private readonly opts: Required<Pick<BridgeServerOptions, 'statusLevel' | 'maxBufferedBytes'>> & BridgeServerOptions;
  private nextClient = 1;
  private nextFragment = 1;
  private closed = false;

  private constructor(wss: WebSocketServer, options: BridgeServerOptions) {
    this.wss = wss;
    this.dialect = options.dialect;
    this.host = options.host ?? '127.0.0.1';
    this.opts = { statusLevel: 'warning', maxBufferedBytes: 8 << 20, ...options };
    wss.on('connection', (ws, req) => this.accept(ws, `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`));
    this.registerRosapi();
  }

  /** Listens on host:port (127.0.0.1:9090 by default); resolves once listening. */
  static start(options: BridgeServerOptions): Promise<BridgeServer> {
    return new Promise((resolve, reject) => {
      const wss = new WebSocketServer({ host: options.host ?? '127.0.0.1', port: options.port ?? 9090 });
      const onError = (e: Error) => reject(e);
      wss.once('error', onError);
      wss.once('listening', () => {
        wss.off('error', onError);
        wss.on('error', (e) => options.log?.(`rosbridge server error: ${e.message}`));
        resolve(new BridgeServer(wss, options));
      });
    });
  }

  get port(): number {
    return (this.wss.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  get clientCount(): number {
    return this.conns.size;
  }

  /** A type name in this server's dialect. */
  type(type: string, kind?: RosTypeKind): string {
    return rosType(this.dialect, type, kind);
  }

  // --- the host's side ----------------------------------------------------------------------

  /** The host publishes on `topic`; `latch` re-sends the last message to each new subscriber. */
  advertise<T = unknown>(topic: string, type: string, o: { latch?: boolean } = {}): BridgePublisher<T> {
    const t = resolveName(topic);
    const e = this.entry(t);
    const wire = this.type(type);
    if (e.type && !sameRosType(e.type, wire)) throw new Error(`topic ${t} already has type ${e.type}, not ${wire}`);
    e.type = wire;
    e.hostPublishers++;
    if (o.latch) e.latch = true;
    let live = true;
    const server = this;
    return {
      topic: t,
      type: wire,
      get subscriberCount() {
        return server.subscriberCount(t);
      },
      publish: (msg: T) => {
        if (!live || this.closed) return;
        const out = new Outgoing({ op: 'publish', topic: t, msg });
        if (o.latch) e.latched = out;
        this.deliver(t, out, msg, null);
      },
      unadvertise: () => {
        if (!live) return;
        live = false;
        e.hostPublishers--;
      },
    };
  }

  /** The host listens to what clients publish on `topic` (and to the host's own publishes); returns an unsubscribe. */
  subscribe(topic: string, type: string, listener: TopicListener): () => void {
    const t = resolveName(topic);
    const e = this.entry(t);
    const wire = this.type(type);
    if (e.type && !sameRosType(e.type, wire)) throw new Error(`topic ${t} already has type ${e.type}, not ${wire}`);
    e.type = wire;
    e.listeners.add(listener);
    return () => e.listeners.delete(listener);
  }

  advertiseService(service: string, type: string, handler: ServiceHandler): void {
    this.services.set(resolveName(service), { type: this.type(type, 'srv'), handler });
  }

  unadvertiseService(service: string): void {
    this.services.delete(resolveName(service));
  }

  /** A ROS 2 action server (send_action_goal / cancel_action_goal). */
  advertiseAction(action: string, type: string, handlers: ActionHandlers): void {
    this.actions.set(resolveName(action), { type: this.type(type, 'action'), handlers });
  }

  /** Called when a client disconnects (after its subscriptions are dropped). */
  onClientClose(listener: (client: BridgeClient) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** A status message to one client (filtered by its level). */
  status(client: BridgeClient, level: Exclude<StatusLevel, 'none'>, msg: string, id?: string): void {
    const conn = [...this.conns].find((c) => c.id === client.id);
    if (conn) this.sendStatus(conn, level, msg, id);
  }

  /** Topics with a publisher or a subscriber, and their types. */
  topicList(): { topic: string; type: string }[] {
    const out: { topic: string; type: string }[] = [];
    for (const [t, e] of this.topics) {
      if (!e.type) continue;
      const active = e.hostPublishers > 0 || e.listeners.size > 0 || this.advertiserCount(t) > 0 || this.subscriberCount(t) > 0;
      if (active) out.push({ topic: t, type: e.type });
    }
    return out.sort((a, b) => a.topic.localeCompare(b.topic));
  }

  subscriberCount(topic: string): number {
    const t = resolveName(topic);
    let n = 0;
    for (const c of this.conns) if (c.subs.has(t)) n++;
    return n;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.conns) {
      for (const s of c.subs.values()) s.dispose();
      c.ws.terminate();
    }
    this.conns.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  // --- clients ------------------------------------------------------------------------------

  private accept(ws: WebSocket, address: string): void {
    if (this.closed) return void ws.terminate();
    const conn = new Connection(this.nextClient++, address, ws, this.opts.statusLevel);
    this.conns.add(conn);
    this.opts.log?.(`client ${conn.id} connected from ${address}`);
    ws.on('message', (data: RawData, isBinary: boolean) => this.receive(conn, data, isBinary));
    ws.on('close', () => this.drop(conn));
    ws.on('error', (e) => this.opts.log?.(`client ${conn.id}: ${e.message}`));
  }

  private drop(conn: Connection): void {
    if (!this.conns.delete(conn)) return;
    for (const s of conn.subs.values()) s.dispose();
    conn.subs.clear();
    conn.advertised.clear();
    conn.fragments.clear();
    this.opts.log?.(`client ${conn.id} disconnected`);
    for (const l of this.closeListeners) {
      try {
        l(conn);
      } catch (e) {
        this.opts.log?.(`client close listener failed: ${(e as Error).message}`);
      }
    }
  }

  private receive(conn: Connection, data: RawData, isBinary: boolean): void {
    let value: unknown;
    try {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      value = isBinary ? decodeCbor(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)) : parseRosJson(bytes.toString('utf8'));
    } catch (e) {
      return this.sendStatus(conn, 'error', `${isBinary ? 'binary frame is not CBOR' : 'message is not valid JSON'}: ${(e as Error).message}`);
    }
    this.handle(conn, value);
  }

  private handle(conn: Connection, value: unknown): void {
    if (value === null || typeof value !== 'object' || typeof (value as { op?: unknown }).op !== 'string')
      return this.sendStatus(conn, 'error', 'message has no "op" field');
    const op = (value as { op: string }).op;
    const id = typeof (value as { id?: unknown }).id === 'string' ? (value as { id: string }).id : undefined;
    const parse = <S extends z.ZodType>(schema: S): z.output<S> | undefined => {
      const r = schema.safeParse(value);
      if (r.success) return r.data;
      this.sendStatus(conn, 'error', `bad ${op} op: ${describeZodError(r.error)}`, id);
      return undefined;
    };
    try {
      switch (op) {
        case 'advertise': {
          const m = parse(OPS.advertise);
          return m && this.onAdvertise(conn, m);
        }
        case 'unadvertise': {
          const m = parse(OPS.unadvertise);
          return m && this.onUnadvertise(conn, m);
        }
        case 'publish': {
          const m = parse(OPS.publish);
          return m && this.onPublish(conn, m);
        }
        case 'subscribe': {
          const m = parse(OPS.subscribe);
          return m && this.onSubscribe(conn, m);
        }
        case 'unsubscribe': {
          const m = parse(OPS.unsubscribe);
          return m && this.onUnsubscribe(conn, m);
        }
        case 'call_service': {
          const m = parse(OPS.call_service);
          return m && this.onCallService(conn, m);
        }
        case 'send_action_goal': {
          const m = parse(OPS.send_action_goal);
          return m && this.onSendActionGoal(conn, m);
        }
        case 'cancel_action_goal': {
          const m = parse(OPS.cancel_action_goal);
          return m && this.onCancelActionGoal(conn, m);
        }
        case 'fragment': {
          const m = parse(OPS.fragment);
          return m && this.onFragment(conn, m);
        }
        case 'set_level': {
          const m = parse(OPS.set_level);
          if (m) conn.level = m.level;
          return;
        }
        case 'auth':
          return; // no authentication on a local server
        default:
          if (UNSUPPORTED.has(op)) return this.sendStatus(conn, 'error', `op "${op}" is not supported by this server`, id);
          return this.sendStatus(conn, 'error', `unknown op "${op}"`, id);
      }
    } catch (e) {
      this.sendStatus(conn, 'error', `${op} failed: ${(e as Error).message}`, id);
    }
  }

  private onAdvertise(conn: Connection, m: z.output<typeof OPS.advertise>): void {
    const t = resolveName(m.topic);
    const e = this.entry(t);
    if (e.type && !sameRosType(e.type, m.type))
      return this.sendStatus(conn, 'error', `topic ${t} already has type ${e.type}; cannot advertise it as ${m.type}`, m.id);
    e.type ??= this.type(m.type);
    if (m.latch) e.latch = true;
    let ids = conn.advertised.get(t);
    if (!ids) conn.advertised.set(t, (ids = new Set()));
    ids.add(m.id ?? '');
  }

  private onUnadvertise(conn: Connection, m: z.output<typeof OPS.unadvertise>): void {
    const t = resolveName(m.topic);
    const ids = conn.advertised.get(t);
    if (!ids) return this.sendStatus(conn, 'warning', `topic ${t} is not advertised by this client`, m.id);
    if (m.id !== undefined && ids.size > 1) ids.delete(m.id);
    else conn.advertised.delete(t);
  }

  private onPublish(conn: Connection, m: z.output<typeof OPS.publish>): void {
    const t = resolveName(m.topic);
    const e = this.topics.get(t);
    if (!e?.type) return this.sendStatus(conn, 'error', `cannot publish on ${t}: its type is unknown (advertise it first)`, m.id);
    if (m.msg === null || typeof m.msg !== 'object') return this.sendStatus(conn, 'error', `publish on ${t}: "msg" must be an object`, m.id);
    if (!conn.advertised.has(t)) conn.advertised.set(t, new Set(['']));
    const out = new Outgoing({ op: 'publish', topic: t, msg: m.msg });
    if (m.latch || e.latch) e.latched = out;
    this.deliver(t, out, m.msg, conn, m.id);
  }

  private onSubscribe(conn: Connection, m: z.output<typeof OPS.subscribe>): void {
    const t = resolveName(m.topic);
    const e = this.entry(t);
    if (m.type && e.type && !sameRosType(e.type, m.type))
      return this.sendStatus(conn, 'error', `topic ${t} has type ${e.type}, not ${m.type}`, m.id);
    if (!m.type && !e.type) return this.sendStatus(conn, 'error', `cannot subscribe to ${t}: its type is unknown (give "type")`, m.id);
    if (m.type) e.type ??= this.type(m.type);
    const compression = this.compression(conn, m.compression, m.id);
    let sub = conn.subs.get(t);
    const isNew = !sub;
    if (!sub) conn.subs.set(t, (sub = new Subscription(m.topic)));
    sub.requests.set(m.id ?? '', {
      throttle: m.throttle_rate ?? 0,
      queueLength: m.queue_length ?? 0,
      fragmentSize: m.fragment_size ?? Infinity,
      compression,
    });
    if (isNew && e.latched) this.offer(conn, sub, e.latched);
  }

  private onUnsubscribe(conn: Connection, m: z.output<typeof OPS.unsubscribe>): void {
    const t = resolveName(m.topic);
    const sub = conn.subs.get(t);
    if (!sub) return this.sendStatus(conn, 'warning', `not subscribed to ${t}`, m.id);
    if (m.id !== undefined && sub.requests.has(m.id) && sub.requests.size > 1) return void sub.requests.delete(m.id);
    sub.dispose();
    conn.subs.delete(t);
  }

  private onCallService(conn: Connection, m: z.output<typeof OPS.call_service>): void {
    const s = resolveName(m.service);
    const format: SubRequest = { throttle: 0, queueLength: 0, fragmentSize: m.fragment_size ?? Infinity, compression: this.compression(conn, m.compression, m.id) };
    const respond = (result: boolean, values: unknown) =>
      this.sendTo(conn, new Outgoing({ op: 'service_response', service: m.service, ...(m.id !== undefined ? { id: m.id } : {}), values, result }), format);
    const entry = this.services.get(s);
    if (!entry) {
      this.sendStatus(conn, 'error', `service ${s} does not exist`, m.id);
      return respond(false, `service ${s} does not exist`);
    }
    let pending: unknown;
    try {
      pending = entry.handler(m.args ?? {}, conn);
    } catch (e) {
      return respond(false, this.failure(conn, `service ${s}`, e, m.id));
    }
    Promise.resolve(pending).then(
      (values) => respond(true, values ?? {}),
      (e) => respond(false, this.failure(conn, `service ${s}`, e, m.id)),
    );
  }

  private onSendActionGoal(conn: Connection, m: z.output<typeof OPS.send_action_goal>): void {
    const a = resolveName(m.action);
    const format: SubRequest = { throttle: 0, queueLength: 0, fragmentSize: m.fragment_size ?? Infinity, compression: this.compression(conn, m.compression, m.id) };
    const goal = new ActionGoalImpl(conn, m.id, a, m.action, m.args ?? {}, m.feedback ?? false, (out) => this.sendTo(conn, out, format));
    if (this.dialect !== 'ros2') {
      this.sendStatus(conn, 'error', `send_action_goal is a ROS 2 op; on ROS 1 publish a goal on ${a}/goal`, m.id);
      return goal.reject('actions over rosbridge ops need ROS 2');
    }
    const entry = this.actions.get(a);
    if (!entry) {
      this.sendStatus(conn, 'error', `action ${a} does not exist`, m.id);
      return goal.reject(`action ${a} does not exist`);
    }
    if (m.action_type && !sameRosType(m.action_type, entry.type)) {
      this.sendStatus(conn, 'error', `action ${a} has type ${entry.type}, not ${m.action_type}`, m.id);
      return goal.reject(`action ${a} has type ${entry.type}`);
    }
    conn.goals.set(m.id, goal);
    try {
      entry.handlers.goal(goal);
    } catch (e) {
      goal.reject(this.failure(conn, `action ${a}`, e, m.id));
    }
  }

  private onCancelActionGoal(conn: Connection, m: z.output<typeof OPS.cancel_action_goal>): void {
    const goal = conn.goals.get(m.id);
    if (!goal) return this.sendStatus(conn, 'warning', `no active goal ${m.id} on ${resolveName(m.action)}`, m.id);
    const entry = this.actions.get(goal.action);
    try {
      if (entry?.handlers.cancel) entry.handlers.cancel(goal);
      else goal.cancel({});
    } catch (e) {
      this.failure(conn, `cancelling ${goal.action}`, e, m.id);
    }
  }

  private onFragment(conn: Connection, m: z.output<typeof OPS.fragment>): void {
    let buf = conn.fragments.get(m.id);
    if (!buf) {
      if (conn.fragments.size >= MAX_PENDING_FRAGMENTS) conn.fragments.delete(conn.fragments.keys().next().value!);
      conn.fragments.set(m.id, (buf = { parts: [], received: 0, total: m.total }));
    }
    if (m.total !== buf.total || m.num >= buf.total) {
      conn.fragments.delete(m.id);
      return this.sendStatus(conn, 'error', `fragment ${m.num}/${m.total} of ${m.id} does not fit the message's ${buf.total} fragments`, m.id);
    }
    if (buf.parts[m.num] === undefined) {
      buf.parts[m.num] = m.data;
      buf.received++;
    }
    if (buf.received < buf.total) return;
    conn.fragments.delete(m.id);
    let whole: unknown;
    try {
      whole = parseRosJson(buf.parts.join(''));
    } catch (e) {
      return this.sendStatus(conn, 'error', `fragments of ${m.id} do not form a JSON message: ${(e as Error).message}`, m.id);
    }
    this.handle(conn, whole);
  }

  // --- delivery -----------------------------------------------------------------------------

  private entry(topic: string): TopicEntry {
    let e = this.topics.get(topic);
    if (!e) this.topics.set(topic, (e = { hostPublishers: 0, listeners: new Set(), latch: false }));
    return e;
  }

  private advertiserCount(topic: string): number {
    let n = 0;
    for (const c of this.conns) if (c.advertised.has(topic)) n++;
    return n;
  }

  /** To the host's listeners (a throw answers the sender) and every subscribed client. */
  private deliver(topic: string, out: Outgoing, msg: unknown, from: Connection | null, id?: string): void {
    const e = this.topics.get(topic);
    if (e) {
      for (const l of [...e.listeners]) {
        try {
          l(msg, from);
        } catch (err) {
          if (from) this.failure(from, `message on ${topic}`, err, id);
          else this.opts.log?.(`listener on ${topic} failed: ${(err as Error).message}`);
        }
      }
    }
    for (const c of this.conns) {
      const sub = c.subs.get(topic);
      if (sub) this.offer(c, sub, out);
    }
  }

  /** One message to one subscription, through its throttle and queue. */
  private offer(conn: Connection, sub: Subscription, out: Outgoing): void {
    const eff = sub.effective;
    const msg = out.renamed('topic', sub.clientName);
    const now = Date.now();
    if (eff.throttle <= 0 || (sub.queue.length === 0 && now - sub.lastSent >= eff.throttle)) {
      sub.lastSent = now;
      return this.sendTo(conn, msg, eff);
    }
    if (eff.queueLength <= 0) return; // throttled: dropped
    sub.queue.push(msg);
    while (sub.queue.length > eff.queueLength) sub.queue.shift();
    if (!sub.timer) this.scheduleFlush(conn, sub);
  }

  private scheduleFlush(conn: Connection, sub: Subscription): void {
    const wait = Math.max(0, sub.lastSent + sub.effective.throttle - Date.now());
    sub.timer = setTimeout(() => {
      sub.timer = undefined;
      const next = sub.queue.shift();
      if (!next || !conn.subs.has(resolveName(sub.clientName))) return;
      sub.lastSent = Date.now();
      this.sendTo(conn, next, sub.effective);
      if (sub.queue.length) this.scheduleFlush(conn, sub);
    }, wait);
  }

  /** JSON (fragmented past fragmentSize characters) or one CBOR binary frame. */
  private sendTo(conn: Connection, out: Outgoing, format: Pick<SubRequest, 'fragmentSize' | 'compression'>): void {
    const ws = conn.ws;
    if (ws.readyState !== WebSocket.OPEN) return;
    if (out.op.op === 'publish' && ws.bufferedAmount > this.opts.maxBufferedBytes) return; // a slow client misses messages
    if (format.compression === 'cbor') return void ws.send(out.cbor, { binary: true });
    const text = out.json;
    const size = format.fragmentSize;
    if (!(size < text.length)) return void ws.send(text);
    const total = Math.ceil(text.length / size);
    const id = `${String(out.op.id ?? out.op.topic ?? out.op.service ?? out.op.op)}:fragment:${this.nextFragment++}`;
    for (let num = 0; num < total; num++) ws.send(JSON.stringify({ op: 'fragment', id, data: text.slice(num * size, (num + 1) * size), num, total }));
  }

  private sendStatus(conn: Connection, level: Exclude<StatusLevel, 'none'>, msg: string, id?: string): void {
    if (LEVEL_RANK[level] < LEVEL_RANK[conn.level]) return;
    this.sendTo(conn, new Outgoing({ op: 'status', level, msg, ...(id !== undefined ? { id } : {}) }), { fragmentSize: Infinity, compression: 'none' });
  }

  /** A host callback threw: tell the client (warning for a YotoError, error otherwise); returns the text. */
  private failure(conn: Connection, what: string, e: unknown, id?: string): string {
    const text = isYotoError(e) ? e.message : `${what} failed: ${e instanceof Error ? e.message : String(e)}`;
    this.sendStatus(conn, isYotoError(e) ? 'warning' : 'error', text, id);
    return text;
  }

  private compression(conn: Connection, c: string | undefined, id?: string): 'none' | 'cbor' {
    if (c === undefined || c === 'none' || c === '') return 'none';
    if (c === 'cbor') return 'cbor';
    this.sendStatus(conn, 'warning', `compression "${c}" is not supported here; sending JSON`, id);
    return 'none';
  }

  // --- rosapi -------------------------------------------------------------------------------

  private registerRosapi(): void {
    const ros2 = this.dialect === 'ros2';
    const distro = this.opts.distro ?? (ros2 ? 'humble' : 'noetic');
    const arg = (args: unknown, key: string): string => {
      const v = (args as Record<string, unknown> | null)?.[key];
      return typeof v === 'string' ? v : '';
    };
    this.advertiseService('/rosapi/get_ros_version', 'rosapi/GetROSVersion', () => ({ version: ros2 ? 2 : 1, distro }));
    this.advertiseService('/rosapi/topics', 'rosapi/Topics', () => {
      const list = this.topicList();
      return { topics: list.map((t) => t.topic), types: list.map((t) => t.type) };
    });
    this.advertiseService('/rosapi/topic_type', 'rosapi/TopicType', (args) => {
      const t = this.topics.get(resolveName(arg(args, 'topic') || '/'));
      return { type: t?.type ?? '' };
    });
    this.advertiseService('/rosapi/topics_for_type', 'rosapi/TopicsForType', (args) => {
      const type = arg(args, 'type');
      return { topics: this.topicList().filter((t) => type && sameRosType(t.type, type)).map((t) => t.topic) };
    });
    this.advertiseService('/rosapi/services', 'rosapi/Services', () => ({ services: [...this.services.keys()].sort() }));
    this.advertiseService('/rosapi/service_type', 'rosapi/ServiceType', (args) => ({ type: this.services.get(resolveName(arg(args, 'service') || '/'))?.type ?? '' }));
    this.advertiseService('/rosapi/action_servers', 'rosapi/GetActionServers', () => ({ action_servers: [...this.actions.keys()].sort() }));
  }
}

export function startBridgeServer(options: BridgeServerOptions): Promise<BridgeServer> {
  return BridgeServer.start(options);
}
