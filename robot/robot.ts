/**
 * The Robot interface (LeRobot's shape: connect, observe, send, disconnect; plus hold and stop),
 * for two arms. A bimanual robot is two `Arm`s plus what they share (the connection, the camera,
 * the task status). `RosbridgeRobot` (real arms, or `yoto sim serve`, over rosbridge) and
 * `SimRobot` (MuJoCo in this process) implement it; robot/deploy.ts drives either.
 *
 * Times are milliseconds on the robot's clock (`now()`): wall time for a rosbridge robot, sim time
 * for the in-process sim, so the same loop and the same staleness rules run on both.
 */
import type { ArmName } from '../core/program.ts';

export interface ArmReading {
  /** Joint positions, rad, in the arm's configured (kinematic) order. */
  q: number[];
  /** Gripper opening, 0 closed … 1 fully open. */
  gripper: number;
  /** When this reading arrived, ms on the robot's clock. */
  receivedAt: number;
}

export interface PointCloudReading {
  /** World-frame points x0 y0 z0 x1 …, metres (already moved out of the camera's frame). */
  points: Float32Array;
  count: number;
  receivedAt: number;
}

export interface TaskStatusReading {
  success: boolean;
  /** The rest of the status message (task, seed, time…), as sent. */
  detail: Record<string, unknown>;
  receivedAt: number;
}

export interface RobotObservation {
  arms: Record<ArmName, ArmReading>;
  cloud?: PointCloudReading;
  taskStatus?: TaskStatusReading;
}

/** One joint-space command: go to `q` in `duration` seconds, gripper to `gripper` (0 … 1). */
export interface ArmCommand {
  q: number[];
  gripper: number;
  duration: number;
}

export type BimanualCommand = Record<ArmName, ArmCommand>;

export interface Arm {
  readonly name: ArmName;
  /** The latest reading, or undefined before the first. */
  reading(): ArmReading | undefined;
  send(cmd: ArmCommand): void;
  /** Stop where the arm is (an empty trajectory / a cancelled goal): no new target. */
  hold(): void;
}

export type RobotEvent = { kind: 'disconnected'; reason: string } | { kind: 'reconnected' } | { kind: 'e-stop'; reason: string };

export interface Robot {
  readonly name: string;
  readonly arms: Record<ArmName, Arm>;
  connect(): Promise<void>;
  readonly connected: boolean;
  /** ms on the robot's clock. */
  now(): number;
  /** The newest readings of everything, or undefined until both arms have reported. */
  observe(): RobotObservation | undefined;
  /**
   * Waits (up to `timeoutMs` on the robot's clock) for joint readings newer than `after` from
   * both arms; undefined on timeout. The loop ticks on fresh data this way, so its latency is
   * measured from the reading's arrival.
   */
  nextObservation(after: number, timeoutMs: number): Promise<RobotObservation | undefined>;
  /** Waits until `t` on the robot's clock (a sim steps its physics there). */
  waitUntil(t: number): Promise<void>;
  send(cmd: BimanualCommand): void;
  hold(): void;
  /** Hold and refuse any further `send` until reconnected by the caller (e-stop, fatal error). */
  stop(reason: string): void;
  /** Connection and e-stop events. */
  onEvent(listener: (e: RobotEvent) => void): void;
  /** Publishes what the loop plans to do (for viewers); optional. */
  publishPlan?(plan: unknown): void;
  disconnect(): Promise<void>;
}
