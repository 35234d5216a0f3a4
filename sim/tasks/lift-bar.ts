/**
 * lift-bar (synchronous): both grippers grasp a 40 cm bar near its ends and lift it together.
 * Success: bar centre ≥ 10 cm above its start, tilt ≤ 10°, held for 1 s.
 */
import { add, quatFromYaw, quatRotate, type Vec3 } from '../../core/geometry.ts';
import { PROGRAM_VERSION, type Keypose, type Program } from '../../core/program.ts';
import type { Scene } from '../../core/scene.ts';
import { attrs, quat, vec } from '../mjcf/xml.ts';
import { foldYaw, topDown } from './gripper-frames.ts';
import type { Task, TaskWorld } from './task.ts';

const BAR = { halfLength: 0.2, halfWidth: 0.02, halfHeight: 0.02, mass: 0.3 };
const GRASP_OFFSET = 0.15; // grasp points along the bar from its centre
const LIFT = 0.15;
const MIN_LIFT = 0.1;
const MAX_TILT = (10 * Math.PI) / 180;

export const liftBar: Task = {
  name: 'lift-bar',
  coordination: 'synchronous',
  description: 'Both arms grasp a 40 cm bar near its ends and lift it level.',
  objects: [
    {
      name: 'bar',
      description: `box ${2 * BAR.halfLength} × ${2 * BAR.halfWidth} × ${2 * BAR.halfHeight} m, ${BAR.mass} kg, long axis along world y at yaw 0`,
      nominal: { position: [0.02, 0, BAR.halfHeight], yaw: 0 },
      range: { x: 0.05, y: 0.05, yaw: (15 * Math.PI) / 180 },
    },
  ],
  successDescription: `bar centre ≥ ${MIN_LIFT * 100} cm above its start, tilt ≤ 10°, held 1 s`,
  parameters: { bar_length_m: 2 * BAR.halfLength, bar_mass_kg: BAR.mass, min_lift_m: MIN_LIFT, max_tilt_deg: 10, hold_s: 1 },
  holdTime: 1,
  maxDuration: 20,

  objectsXml(scene: Scene): string {
    const p = scene.objects.bar;
    return `<body name="bar" ${attrs({ pos: vec(p.position) })} quat="${quat(quatFromYaw(p.yaw))}">
  <freejoint name="bar_free"/>
  <geom name="bar_geom" class="object" type="box" ${attrs({ size: [BAR.halfWidth, BAR.halfLength, BAR.halfHeight], mass: BAR.mass })} rgba="0.9 0.75 0.2 1"/>
</body>`;
  },

  check(world: TaskWorld): boolean {
    const start = world.scene.objects.bar.position;
    const pose = world.bodyPose('bar');
    const lifted = pose.position[2] - start[2] >= MIN_LIFT;
    // Tilt: angle between the bar's up axis and world up (covers roll and pitch, ignores yaw).
    const up = quatRotate(pose.quaternion, [0, 0, 1]);
    const tilt = Math.acos(Math.min(1, Math.max(-1, up[2])));
    return lifted && tilt <= MAX_TILT;
  },

  scripted(scene: Scene): Program {
    const p = scene.objects.bar;
    const q = quatFromYaw(p.yaw);
    // Fingers close across the bar: along the bar's local x.
    const grip = topDown(foldYaw(p.yaw));
    const arm = (side: 1 | -1): Keypose[] => {
      const end = add(p.position, quatRotate(q, [0, side * GRASP_OFFSET, 0]));
      const at = (dz: number): Vec3 => [end[0], end[1], BAR.halfHeight * 2 - 0.012 + dz];
      return [
        { name: 'pregrasp', position: at(0.1), quaternion: grip, gripper: 1, object: 'bar' },
        { name: 'grasp', position: at(0), quaternion: grip, gripper: 0, object: 'bar', speed: 0.15, sync: 'grasped' },
        { name: 'lift', position: at(LIFT), quaternion: grip, gripper: 0, object: 'bar', speed: 0.1, hold: 1.5, sync: 'lifted' },
      ];
    };
    return { version: PROGRAM_VERSION, task: 'lift-bar', frame: 'world', arms: { left: arm(1), right: arm(-1) } };
  },
};

