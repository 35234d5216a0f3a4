/**
 * Centred moving average of a pose track (positions averaged, quaternions by chordal mean),
 * skipping missing frames. Landmark noise of a few millimetres makes frame-to-frame speeds of
 * several cm/s, enough to hide every moment the hand is at rest; a short centred window removes
 * it without shifting when motions start and stop.
 */
import type { Pose, Quat } from '../../core/geometry.ts';

export function smoothPoses(poses: readonly (Pose | null)[], half = 3): (Pose | null)[] {
  return poses.map((p, i) => {
    if (!p) return null;
    const pos = [0, 0, 0];
    const q = [0, 0, 0, 0];
    let n = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(poses.length - 1, i + half); j++) {
      const o = poses[j];
      if (!o) continue;
      for (let k = 0; k < 3; k++) pos[k] += o.position[k];
      const s = o.quaternion[0] * p.quaternion[0] + o.quaternion[1] * p.quaternion[1] + o.quaternion[2] * p.quaternion[2] + o.quaternion[3] * p.quaternion[3] < 0 ? -1 : 1;
      for (let k = 0; k < 4; k++) q[k] += s * o.quaternion[k];
      n++;
    }
    const qn = Math.hypot(q[0], q[1], q[2], q[3]);
    return { position: [pos[0] / n, pos[1] / n, pos[2] / n], quaternion: [q[0] / qn, q[1] / qn, q[2] / qn, q[3] / qn] as Quat };
  });
}
