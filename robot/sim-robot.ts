/**
 * The simulated workcell as a Robot, in this process: joint readings straight from MuJoCo, joint
 * commands followed like ros_control's joint_trajectory_controller (servo targets interpolated from
 * where they are to the command over its duration, a new command replacing the old), the virtual
 * depth camera at `cloudHz`, and the task's success test as the task status. Its clock is sim
 * time: `waitUntil` steps the physics, so a deploy on it runs as fast as the CPU allows and gives
 * the same result on every run. `yoto sim serve` puts the same thing behind rosbridge.
 */
import { ARMS, type ArmName } from '../core/program.ts';
import { YotoError } from '../core/errors.ts';
import { parseWith } from '../core/read.ts';
import { DepthCamera, DepthCameraConfigSchema, type DepthCameraConfigInput, type World } from '../sim/index.ts';
import { SuccessMonitor } from './sim-server/success-monitor.ts';
import { TrajectoryFollower } from './sim-server/trajectory-follower.ts';
import type { Arm, ArmCommand, ArmReading, BimanualCommand, PointCloudReading, Robot, RobotEvent, RobotObservation, TaskStatusReading } from './robot.ts';

/** ros_control-style trajectory following on the simulated arms' servos (sim-server's follower, per arm). */
export class SimServos {
  private readonly followers: Record<ArmName, TrajectoryFollower>;

  constructor(private readonly world: World) {
    this.followers = { left: new TrajectoryFollower(world.armCtrl('left')), right: new TrajectoryFollower(world.armCtrl('right')) };
  }

  /** Go to `q` by `world.time + duration`, starting from the current servo target. */
  command(a: ArmName, q: readonly number[], duration: number): void {
    this.followers[a].follow(this.world.time, [{ t: Math.max(duration, this.world.timestep), q: [...q] }]);
  }

  /** Stop where the arm is now: the servo target becomes the measured position. */
  hold(a: ArmName): void {
    this.followers[a].hold(this.world.time, this.world.armQ(a));
  }

  /** Sets this instant's servo targets; call before each physics step. */
  update(): void {
    for (const a of ARMS) this.world.setArmCtrl(a, this.followers[a].target(this.world.time));
  }
}

export interface SimRobotOptions {
  /** The depth camera, a sim DepthCameraConfig (policy meta.camera or augment's default); none: no cloud. */
  camera?: DepthCameraConfigInput | Record<string, unknown>;
  /** Point cloud rate on the sim clock, Hz (default 10). */
  cloudHz?: number;
  name?: string;
}

export class SimRobot implements Robot {
  readonly name: string;
  readonly arms: Record<ArmName, Arm>;
  readonly servos: SimServos;
  private readonly camera?: DepthCamera;
  private readonly cloudPeriod: number;
  private cloud?: PointCloudReading;
  private lastCloudAt = -Infinity;
  private readonly monitor: SuccessMonitor;
  private stopped?: string;
  private isConnected = false;
  private readonly listeners: ((e: RobotEvent) => void)[] = [];
  private captures = 0;
  /** Plans published by the loop (what a viewer would show). */
  readonly plans: unknown[] = [];

  constructor(
    readonly world: World,
    opts: SimRobotOptions = {},
  ) {
    this.name = opts.name ?? `sim-${world.task.name}`;
    this.servos = new SimServos(world);
    this.monitor = new SuccessMonitor(world.task);
    if (opts.camera) this.camera = new DepthCamera(world.mj, world.model, parseWith(DepthCameraConfigSchema, opts.camera, 'camera config'));
    this.cloudPeriod = 1 / (opts.cloudHz ?? 10);
    const arm = (a: ArmName): Arm => ({
      name: a,
      reading: () => (this.isConnected ? this.reading(a) : undefined),
      send: (cmd: ArmCommand) => this.sendArm(a, cmd),
      hold: () => this.servos.hold(a),
    });
    this.arms = { left: arm('left'), right: arm('right') };
  }

  get connected(): boolean {
    return this.isConnected;
  }

  async connect(): Promise<void> {
    this.isConnected = true;
  }

  now(): number {
    return this.world.time * 1000;
  }

  private reading(a: ArmName): ArmReading {
    return { q: this.world.armQ(a), gripper: this.world.gripperOpening(a), receivedAt: this.now() };
  }

  observe(): RobotObservation | undefined {
    if (!this.isConnected) return undefined;
    this.captureIfDue();
    const status: TaskStatusReading = { success: this.monitor.success, detail: { task: this.world.task.name, time: this.world.time }, receivedAt: this.now() };
    return { arms: { left: this.reading('left'), right: this.reading('right') }, cloud: this.cloud, taskStatus: status };
  }

  async nextObservation(after: number, _timeoutMs: number): Promise<RobotObservation | undefined> {
    // Readings are continuous in the sim: a newer one exists as soon as the clock has moved.
    if (this.now() <= after) this.stepOnce();
    return this.observe();
  }

  async waitUntil(t: number): Promise<void> {
    while (this.now() < t - 1e-9) this.stepOnce();
  }

  private stepOnce(): void {
    this.servos.update();
    this.world.step(1);
    this.monitor.update(this.world);
  }

  private captureIfDue(): void {
    if (!this.camera || this.world.time - this.lastCloudAt < this.cloudPeriod - 1e-9) return;
    const c = this.camera.capture(this.world.data, { seed: this.captures++ });
    this.cloud = { points: Float32Array.from(c.points), count: c.count, receivedAt: this.now() };
    this.lastCloudAt = this.world.time;
  }

  private sendArm(a: ArmName, cmd: ArmCommand): void {
    if (this.stopped) throw new YotoError(`robot is stopped (${this.stopped}); nothing is sent`, this.name);
    this.servos.command(a, cmd.q, cmd.duration);
    this.world.setGripperCtrl(a, cmd.gripper);
  }

  send(cmd: BimanualCommand): void {
    for (const a of ARMS) this.sendArm(a, cmd[a]);
  }

  hold(): void {
    for (const a of ARMS) this.servos.hold(a);
  }

  stop(reason: string): void {
    this.stopped = reason;
    this.hold();
    for (const l of this.listeners) l({ kind: 'e-stop', reason });
  }

  onEvent(listener: (e: RobotEvent) => void): void {
    this.listeners.push(listener);
  }

  publishPlan(plan: unknown): void {
    this.plans.push(plan);
  }

  /** Sim seconds at which the task's success condition had held for its hold time. */
  get successTime(): number | undefined {
    return this.monitor.successTime;
  }

  async disconnect(): Promise<void> {
    this.isConnected = false;
  }
}
