/**
 * Types for roslib 2.1 (ESM), the part of its API yoto uses. roslib's own .d.ts imports its
 * sources with `.ts` extensions, which breaks under NodeNext (TS2834), so these declarations
 * (types only: every `declare` here compiles to nothing) stand in for it, and roslib.ts pairs
 * them with the package's values. (A tsconfig `paths` mapping would also reach tsx, which then
 * loads the declarations instead of the package.)
 * Kept to roslib's real signatures (node_modules/roslib/dist/src/core/*.d.ts): add what you
 * need, the same way.
 *
 * In Node 20 (no global WebSocket) roslib connects through the `ws` package, with
 * binaryType 'arraybuffer': CBOR frames arrive as ArrayBuffers and are decoded with cbor2;
 * `fragment` ops are reassembled before dispatch.
 */

/** Any rosbridge v2 protocol message (`op` plus its fields). */
export interface RosbridgeMessage {
  op: string;
  id?: string;
  [field: string]: unknown;
}

export interface RosbridgeStatusMessage extends RosbridgeMessage {
  op: 'status';
  level: string;
  msg: string;
}

/** Whatever the transport emits with 'connection', 'close' and 'error' (a ws event). */
export type TransportEvent = unknown;

/** A minimal EventEmitter (roslib's are eventemitter3 emitters). */
declare class Emitter<Events extends Record<string, unknown[]>> {
  on<E extends keyof Events & string>(event: E, listener: (...args: Events[E]) => void): this;
  once<E extends keyof Events & string>(event: E, listener: (...args: Events[E]) => void): this;
  off<E extends keyof Events & string>(event: E, listener?: (...args: Events[E]) => void): this;
  removeAllListeners(event?: keyof Events & string): this;
  listeners<E extends keyof Events & string>(event: E): Array<(...args: Events[E]) => void>;
  listenerCount(event: keyof Events & string): number;
  emit<E extends keyof Events & string>(event: E, ...args: Events[E]): boolean;
}

type RosEvents = {
  connection: [TransportEvent];
  close: [TransportEvent];
  error: [TransportEvent];
} & Record<string, [RosbridgeMessage]>;

/** The connection to a rosbridge server. Constructed with `url`, it connects at once. */
export declare class Ros extends Emitter<RosEvents> {
  constructor(options?: { url?: string; transportFactory?: (url: string) => Promise<unknown> });
  /** True between the 'connection' and 'close' events. */
  get isConnected(): boolean;
  connect(url: string): Promise<void>;
  close(): void;
  /** Sends a raw protocol message now, or once connected. */
  callOnConnection(message: RosbridgeMessage): void;
  setStatusLevel(level: 'info' | 'warning' | 'error' | 'none', id?: string): void;
  getTopics(callback: (result: { topics: string[]; types: string[] }) => void, failedCallback?: (error: string) => void): void;
  getTopicsForType(topicType: string, callback: (topics: string[]) => void, failedCallback?: (error: string) => void): void;
  getTopicType(topic: string, callback: (type: string) => void, failedCallback?: (error: string) => void): void;
  getServices(callback: (services: string[]) => void, failedCallback?: (error: string) => void): void;
  getServiceType(service: string, callback: (type: string) => void, failedCallback?: (error: string) => void): void;
  getActionServers(callback: (actionservers: string[]) => void, failedCallback?: (error: string) => void): void;
  getNodes(callback: (result: string[]) => void, failedCallback?: (error: string) => void): void;
}

export interface TopicOptions {
  ros: Ros;
  name: string;
  messageType: string;
  /** 'none' (default), 'cbor', 'cbor-raw' or 'png'. */
  compression?: string;
  /** Minimum ms between messages, set at the bridge (default 0). */
  throttle_rate?: number;
  /** Queue of messages the bridge keeps for a publisher (default 100). */
  queue_size?: number;
  latch?: boolean;
  /** Queue the bridge keeps for this subscriber while throttling (default 0). */
  queue_length?: number;
  /** Re-subscribe and re-advertise after a reconnection (default true). */
  reconnect_on_close?: boolean;
}

type TopicEvents<T> = { message: [T]; warning: [string]; unsubscribe: []; unadvertise: [] };

export declare class Topic<T = unknown> extends Emitter<TopicEvents<T>> {
  constructor(options: TopicOptions);
  ros: Ros;
  name: string;
  messageType: string;
  compression: string;
  throttle_rate: number;
  latch: boolean;
  queue_size: number;
  queue_length: number;
  reconnect_on_close: boolean;
  isAdvertised: boolean;
  subscribeId: string | null;
  advertiseId?: string;
  /** Sends `subscribe` (once per Topic object) and calls `callback` with every message. */
  subscribe(callback: (message: T) => void): void;
  /** Without a callback (or when it was the last one) sends `unsubscribe`. */
  unsubscribe(callback?: (message: T) => void): void;
  advertise(): void;
  unadvertise(): void;
  /** Advertises first if needed. */
  publish(message: T): void;
  getPublishers(callback: (publishers: string[]) => void, failedCallback?: (error: string) => void): void;
}

export declare class Service<TRequest = unknown, TResponse = unknown> extends Emitter<Record<string, unknown[]>> {
  constructor(options: { ros: Ros; name: string; serviceType: string });
  ros: Ros;
  name: string;
  serviceType: string;
  isAdvertised: boolean;
  /** `failedCallback` gets the server's `values` (an error string) when `result` is false; `timeout` in seconds. */
  callService(request: TRequest, callback?: (response: TResponse) => void, failedCallback?: (error: string) => void, timeout?: number): void;
  advertise(callback: (request: TRequest, response: Partial<TResponse>) => boolean): Promise<void>;
  advertiseAsync(callback: (request: TRequest) => Promise<TResponse>): Promise<void>;
  unadvertise(): Promise<void>;
}

/** A ROS 2 action over rosbridge's send_action_goal / action_feedback / action_result ops. */
export declare class Action<TGoal = unknown, TFeedback = unknown, TResult = unknown> {
  constructor(options: { ros: Ros; name: string; actionType: string });
  ros: Ros;
  name: string;
  actionType: string;
  isAdvertised: boolean;
  /**
   * Sends the goal; returns its id (`send_action_goal:<name>:<uuid>`), or undefined if this
   * Action is advertised. `resultCallback` on status SUCCEEDED; `failedCallback` (a string with
   * the status and values) on any other status or `result: false`.
   */
  sendGoal(goal: TGoal, resultCallback: (result: TResult) => void, feedbackCallback?: (feedback: TFeedback) => void, failedCallback?: (error: string) => void): string | undefined;
  cancelGoal(id: string): void;
  cancelAllGoals(): void;
  advertise(actionCallback: (goal: TGoal, id: string) => void, cancelCallback: (id: string) => void): void;
  unadvertise(): void;
  sendFeedback(id: string, feedback: TFeedback): void;
  setSucceeded(id: string, result: TResult): void;
  setCanceled(id: string, result: TResult): void;
  setFailed(id: string): void;
}

/** action_msgs/GoalStatus values as roslib names them. */
export declare enum GoalStatus {
  STATUS_UNKNOWN = 0,
  STATUS_ACCEPTED = 1,
  STATUS_EXECUTING = 2,
  STATUS_CANCELING = 3,
  STATUS_SUCCEEDED = 4,
  STATUS_CANCELED = 5,
  STATUS_ABORTED = 6,
}

export declare class Param<T = unknown> {
  constructor(options: { ros: Ros; name: string });
  ros: Ros;
  name: string;
  get(callback: (value: T) => void, failedCallback?: (error: string) => void): void;
  set(value: T, callback?: (message: unknown) => void, failedCallback?: (error: string) => void): void;
  delete(callback: (message: unknown) => void, failedCallback?: (error: string) => void): void;
}

export declare const REVISION: string;
