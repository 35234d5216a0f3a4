/**
 * `yoto sim serve`: the MuJoCo workcell as a ROS robot behind a rosbridge v2 server — the robot
 * of robot/examples/sim-ur5e.ros1.yaml / .ros2.yaml. The physics runs in real time (never ahead
 * of the wall clock); it publishes /joint_states at 50 Hz, the depth camera's PointCloud2 on
 * /yoto/point_cloud (frame `world`) and /yoto/task_status at 10 Hz, and /yoto/e_stop (latched);
 * it takes JointTrajectory commands and FollowJointTrajectory goals per arm, gripper openings,
 * and /yoto/reset (the next seeded placement, arms home). Type names and time fields follow the
 * chosen dialect.
 *
 *   const server = await startSimServer({ task: 'lift-bar', seed: 3, dialect: 'ros2', port: 0 });
 *   console.log(server.url);   // ws://127.0.0.1:PORT
 *   await server.close();
 */
import { YotoError } from '../../core/errors.ts';
import { ARMS, type ArmName } from '../../core/program.ts';
import { ARM_JOINTS, DepthCamera, HOME_Q, JOINT_RANGES, World, getTask, sampleScene, type DepthCameraConfig, type Task } from '../../sim/index.ts';
import { startBridgeServer, type BridgePublisher, type BridgeServer } from '../rosbridge/bridge-server.ts';
import {
  ROS_TYPES,
  buildBool,
  buildJointState,
  buildString,
  buildTriggerResponse,
  encodePointCloud2,
  parseBool,
  type RosDialect,
} from '../rosbridge/messages.ts';
import { ArmController } from './arm-controller.ts';
import { wireArmInputs } from './arm-inputs.ts';
import { serveCameraConfig } from './camera-config.ts';
import { JointStateReader } from './joint-state-reader.ts';
import { RealtimeStepper } from './realtime-stepper.ts';
import { SIM_ROS } from './ros-interface.ts';
import { SuccessMonitor } from './success-monitor.ts';

export interface SimServerRates {
  jointStatesHz: number;
  pointCloudHz: number;
  taskStatusHz: number;
  /** ROS 2 action feedback while a goal runs. */
  feedbackHz: number;
}
export const DEFAULT_SIM_SERVER_RATES: SimServerRates = { jointStatesHz: 50, pointCloudHz: 10, taskStatusHz: 10, feedbackHz: 10 };

export interface SimServerOptions {
  /** A task name (see `yoto sim tasks`). */
  task: string;
  /** Placement seed (default 0); /yoto/reset moves to seed + 1, + 2, … */
  seed?: number;
  dialect?: RosDialect;
  /** Default 9090; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Publish the depth camera this policy was trained with (its policy.json `camera`). */
  policyDir?: string;
  /** A depth camera configuration (sim DepthCameraConfig) instead. */
  camera?: Record<string, unknown>;
  rates?: Partial<SimServerRates>;
  /** Progress lines (clients connecting, resets, refused commands are told to their senders). */
  log?: (line: string) => void;
}

/** Fires at `hz` of sim time; starts over at time 0 after a reset. */
class Rate {
  private next = 0;
  private readonly period: number;
  constructor(hz: number) {
    this.period = 1 / hz;
  }
  due(t: number): boolean {
    if (t + 1e-9 < this.next) return false;
    this.next += this.period;
    if (this.next <= t) this.next = t + this.period;
    return true;
  }
  restart(): void {
    this.next = 0;
  }
}

interface Publishers {
  jointStates: BridgePublisher;
  pointCloud: BridgePublisher;
  taskStatus: BridgePublisher;
  eStop: BridgePublisher;
}

export class SimServer {
  readonly task: Task;
  readonly dialect: RosDialect;
  readonly camera: DepthCameraConfig;
  private currentWorld: World;
  private currentSeed: number;
  private depthCamera: DepthCamera;
  private joints: JointStateReader;
  private readonly controllers: Record<ArmName, ArmController>;
  private readonly monitor: SuccessMonitor;
  private readonly stepper: RealtimeStepper;
  private readonly rates: Record<keyof SimServerRates, Rate>;
  private pubs!: Publishers;
  private eStopped = false;
  private cloudFrame = 0;
  private seq = { joints: 0, cloud: 0 };
  private resetting: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly bridge: BridgeServer,
    task: Task,
    world: World,
    seed: number,
    camera: DepthCameraConfig,
    private readonly o: SimServerOptions,
  ) {
    this.task = task;
    this.dialect = bridge.dialect;
    this.camera = camera;
    this.currentWorld = world;
    this.currentSeed = seed;
    this.depthCamera = new DepthCamera(world.mj, world.model, camera);
    this.joints = new JointStateReader(world);
    this.controllers = { left: new ArmController('left', HOME_Q.left), right: new ArmController('right', HOME_Q.right) };
    this.monitor = new SuccessMonitor(task);
    const r = { ...DEFAULT_SIM_SERVER_RATES, ...o.rates };
    this.rates = { jointStatesHz: new Rate(r.jointStatesHz), pointCloudHz: new Rate(r.pointCloudHz), taskStatusHz: new Rate(r.taskStatusHz), feedbackHz: new Rate(r.feedbackHz) };
    this.stepper = new RealtimeStepper({
      timestep: world.timestep,
      simTime: () => this.currentWorld.time,
      step: () => this.physicsStep(),
      afterTick: () => this.afterTick(),
    });
  }

  /** Builds the workcell, listens, and starts the clock; the returned server is live. */
  static async start(o: SimServerOptions): Promise<SimServer> {
    const task = getTask(o.task);
    const seed = o.seed ?? 0;
    if (!Number.isInteger(seed)) throw new YotoError(`must be an integer, got ${seed}`, '--seed');
    const camera = serveCameraConfig({ policyDir: o.policyDir, camera: o.camera });
    const world = await World.create(task, sampleScene(task, seed));
    let bridge: BridgeServer;
    try {
      bridge = await startBridgeServer({ dialect: o.dialect ?? 'ros1', port: o.port ?? 9090, host: o.host, log: o.log });
    } catch (e) {
      world.dispose();
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new YotoError(`port ${o.port ?? 9090} is already in use (--port 0 picks a free one)`, '--port');
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new YotoError(`cannot listen on ${o.host}`, '--host');
      throw e;
    }
    const s = new SimServer(bridge, task, world, seed, camera, o);
    s.wire();
    // The first captures run cold (several hundred ms before the JIT warms up): take one now,
    // before the clock starts, rather than stall the first second of real time.
    s.depthCamera.capture(world.data);
    s.stepper.start();
    o.log?.(`sim serve: ${task.name} at placement seed ${seed}, ${s.dialect === 'ros1' ? 'ROS 1' : 'ROS 2'} dialect, camera ${camera.width}×${camera.height} → ${camera.points} points`);
    return s;
  }

  get url(): string {
    return this.bridge.url;
  }

  get port(): number {
    return this.bridge.port;
  }

  /** The placement seed of the present scene. */
  get seed(): number {
    return this.currentSeed;
  }

  /** The live workcell (replaced by each reset). */
  get world(): World {
    return this.currentWorld;
  }

  /** Sim seconds since the last reset. */
  get time(): number {
    return this.currentWorld.time;
  }

  get success(): boolean {
    return this.monitor.success;
  }

  get clientCount(): number {
    return this.bridge.clientCount;
  }

  /** The next seeded placement (seed + 1), arms home, time 0; resolves to the new seed. */
  reset(): Promise<number> {
    const run = this.resetting.then(() => this.doReset());
    this.resetting = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stepper.stop();
    await this.bridge.close();
    await this.resetting;
    this.currentWorld.dispose();
  }

  // --- wiring -------------------------------------------------------------------------------

  private wire(): void {
    const b = this.bridge;
    this.pubs = {
      jointStates: b.advertise(SIM_ROS.jointStates, ROS_TYPES.JointState),
      pointCloud: b.advertise(SIM_ROS.pointCloud, ROS_TYPES.PointCloud2),
      taskStatus: b.advertise(SIM_ROS.taskStatus, ROS_TYPES.String),
      eStop: b.advertise(SIM_ROS.eStop, ROS_TYPES.Bool, { latch: true }),
    };
    this.pubs.eStop.publish(buildBool(false));
    b.subscribe(SIM_ROS.eStop, ROS_TYPES.Bool, (msg) => {
      const on = parseBool(msg);
      if (on === this.eStopped) return;
      this.eStopped = on;
      if (on) for (const a of ARMS) this.controllers[a].hold(this.time, this.currentWorld.armQ(a), 'e-stop');
      this.o.log?.(`e-stop ${on ? 'engaged: arms held, commands refused' : 'released'}`);
    });
    const ranges = ARM_JOINTS.map((j) => JOINT_RANGES[j]);
    for (const a of ARMS) {
      wireArmInputs({
        bridge: b,
        dialect: this.dialect,
        arm: a,
        names: SIM_ROS.arms[a],
        ranges,
        controller: this.controllers[a],
        port: {
          now: () => this.time,
          q: () => this.currentWorld.armQ(a),
          setGripper: (g) => this.currentWorld.setGripperCtrl(a, g),
          refusal: () => (this.eStopped ? `the e-stop is engaged (publish false on ${SIM_ROS.eStop} to release it)` : undefined),
        },
      });
    }
    b.advertiseService(SIM_ROS.reset, ROS_TYPES.Trigger, async () => {
      const seed = await this.reset();
      return buildTriggerResponse(true, `seed ${seed}`);
    });
  }

  // --- the clock ----------------------------------------------------------------------------

  private physicsStep(): void {
    const w = this.currentWorld;
    for (const a of ARMS) w.setArmCtrl(a, this.controllers[a].target(w.time));
    w.step(1);
  }

  private afterTick(): void {
    const w = this.currentWorld;
    const t = w.time;
    for (const a of ARMS) this.controllers[a].update(t);
    this.monitor.update(w);
    const stamp = Date.now() / 1000;
    if (this.rates.jointStatesHz.due(t)) {
      const js = this.joints.read();
      this.pubs.jointStates.publish(buildJointState(this.dialect, { stamp, ...js, seq: this.seq.joints++ }));
    }
    if (this.rates.pointCloudHz.due(t) && this.pubs.pointCloud.subscriberCount > 0) {
      const cloud = this.depthCamera.capture(w.data, { seed: (this.camera.seed + this.cloudFrame++) | 0 });
      this.pubs.pointCloud.publish(encodePointCloud2(this.dialect, cloud.points, { frame_id: SIM_ROS.frame, stamp, seq: this.seq.cloud++ }));
    }
    if (this.rates.taskStatusHz.due(t))
      this.pubs.taskStatus.publish(buildString(JSON.stringify({ task: this.task.name, seed: this.currentSeed, success: this.monitor.success, time: Math.round(t * 1000) / 1000 })));
    if (this.rates.feedbackHz.due(t)) for (const a of ARMS) this.controllers[a].feedback(t, w.armQ(a));
  }

  private async doReset(): Promise<number> {
    if (this.closed) throw new YotoError('the server is closing', SIM_ROS.reset);
    const seed = this.currentSeed + 1;
    const world = await World.create(this.task, sampleScene(this.task, seed));
    if (this.closed) {
      world.dispose();
      throw new YotoError('the server is closing', SIM_ROS.reset);
    }
    const camera = new DepthCamera(world.mj, world.model, this.camera);
    const old = this.currentWorld;
    this.currentWorld = world;
    this.currentSeed = seed;
    this.depthCamera = camera;
    this.joints = new JointStateReader(world);
    for (const a of ARMS) this.controllers[a].reset(0, HOME_Q[a]);
    this.monitor.reset();
    for (const r of Object.values(this.rates)) r.restart();
    this.stepper.rebase();
    old.dispose();
    this.o.log?.(`reset: placement seed ${seed}`);
    return seed;
  }
}

export function startSimServer(o: SimServerOptions): Promise<SimServer> {
  return SimServer.start(o);
}
