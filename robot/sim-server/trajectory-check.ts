/**
 * What the simulated controllers accept: a JointTrajectory naming exactly one arm's joints (any
 * order), every position a finite number inside the sim's joint range, times from start finite,
 * non-negative and increasing. Anything else is refused with one line saying why, and nothing
 * moves.
 */
import { YotoError } from '../../core/errors.ts';
import type { JointTrajectory } from '../rosbridge/messages.ts';
import type { TrajectoryKnot } from './trajectory-follower.ts';

/** Radians of slack at the range ends (a command read back from /joint_states may round). */
const RANGE_SLACK = 1e-6;

/** The trajectory's points as knots in the arm's joint order; throws a YotoError naming `where`. */
export function checkTrajectory(t: JointTrajectory, joints: readonly string[], ranges: readonly (readonly [number, number])[], where: string): TrajectoryKnot[] {
  const fail = (why: string): never => {
    throw new YotoError(`refused: ${why}`, where);
  };
  const index = new Map(joints.map((j, i) => [j, i]));
  const unknown = t.joint_names.filter((n) => !index.has(n));
  if (unknown.length) fail(`unknown joint${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} (this arm's joints: ${joints.join(', ')})`);
  const seen = new Set<string>();
  for (const n of t.joint_names) {
    if (seen.has(n)) fail(`joint "${n}" is named twice`);
    seen.add(n);
  }
  const missing = joints.filter((j) => !seen.has(j));
  if (missing.length) fail(`missing joint${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (a trajectory names all ${joints.length})`);
  const order = t.joint_names.map((n) => index.get(n)!);
  let prevT = -Infinity;
  return t.points.map((p, k) => {
    if (p.positions.length !== joints.length) fail(`point ${k} has ${p.positions.length} positions for ${joints.length} joints`);
    const q = new Array<number>(joints.length);
    p.positions.forEach((v, i) => {
      const j = order[i];
      const name = joints[j];
      if (!Number.isFinite(v)) fail(`point ${k}: ${name} position is ${v === null ? 'null' : String(v)}, not a finite number`);
      const [lo, hi] = ranges[j];
      if (v < lo - RANGE_SLACK || v > hi + RANGE_SLACK) fail(`point ${k}: ${name} = ${v.toFixed(4)} rad is outside its range [${lo.toFixed(4)}, ${hi.toFixed(4)}]`);
      q[j] = v;
    });
    if (p.velocities && p.velocities.length) {
      if (p.velocities.length !== joints.length) fail(`point ${k} has ${p.velocities.length} velocities for ${joints.length} joints`);
      if (!p.velocities.every(Number.isFinite)) fail(`point ${k}: a velocity is not a finite number`);
    }
    const tt = p.time_from_start;
    if (!Number.isFinite(tt) || tt < 0) fail(`point ${k}: time_from_start ${tt} s is not a finite, non-negative time`);
    if (tt <= prevT) fail(`point ${k}: time_from_start ${tt} s does not increase (previous ${prevT} s)`);
    prevT = tt;
    return { t: tt, q };
  });
}
