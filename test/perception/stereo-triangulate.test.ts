import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import type { Vec3 } from '../../core/geometry.ts';
import { dist, quatFromAxisAngle, quatMul } from '../../core/geometry.ts';
import { StereoCamera } from '../../perception/stereo-camera.ts';
import type { Vec2 } from '../../perception/stereo-camera.ts';
import { calibrationFromPoses, intrinsicsFromFov, lookAtRig } from '../../perception/calibration/rig-from-poses.ts';
import { triangulateLandmarks, triangulatePoint } from '../../perception/triangulate.ts';
import { solve3 } from '../../core/linalg.ts';

// The project's rig (person's side of the table, ~1 m from the workspace), with lens distortion and
// a slightly convergent right camera so that R is not the identity.
function rig(): StereoCamera {
  const base = lookAtRig({ centre: [-0.78, 0, 0.62], target: [0.05, 0, 0.02] });
  const leftPose = { position: base.cam_left_to_world.translation, quaternion: base.cam_left_to_world.quaternion };
  const q = base.cam_left_to_world.quaternion;
  // Right camera: 12 cm along the image x axis, turned 2° inward about the image y axis.
  const rightQ = quatMul(q, quatFromAxisAngle([0, 1, 0], (-2 * Math.PI) / 180));
  const rightPos = new StereoCamera(base).centre('right');
  const K = intrinsicsFromFov(640, 480, 50);
  const left = { ...K, distortion: { model: 'plumb_bob' as const, k1: -0.21, k2: 0.05, p1: 0.001, p2: -0.0005, k3: 0 } };
  const right = { ...K, fx: K.fx * 1.01, cx: K.cx + 3, distortion: { model: 'plumb_bob' as const, k1: -0.19, k2: 0.04, p1: -0.0007, p2: 0.0004, k3: -0.002 } };
  return new StereoCamera(calibrationFromPoses(left, right, leftPose, { position: rightPos, quaternion: rightQ }));
}

const workspacePoint = (rng: Rng): Vec3 => [rng.uniform(-0.3, 0.4), rng.uniform(-0.35, 0.35), rng.uniform(0, 0.4)];

function project2(s: StereoCamera, p: Vec3): [Vec2, Vec2] {
  const l = s.project('left', p);
  const r = s.project('right', p);
  if (!l || !r) throw new Error('test point behind a camera');
  return [l, r];
}

describe('two-view triangulation', () => {
  const s = rig();

  it('is exact on noiseless projections (< 1e-6 m), with ~0 reprojection error', () => {
    const rng = new Rng(1);
    let worst = 0;
    for (let i = 0; i < 300; i++) {
      const p = workspacePoint(rng);
      const [l, r] = project2(s, p);
      const t = triangulatePoint(s, l, r);
      expect(t.ok).toBe(true);
      worst = Math.max(worst, dist(t.world!, p));
      expect(Math.max(...t.reprojectionPx)).toBeLessThan(1e-6);
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('with pixel noise, errors follow first-order theory (χ² with 3 dof; residual χ² with 1 dof)', () => {
    const rng = new Rng(7);
    const sigma = 0.7;
    const n = 1500;
    let chi3 = 0;
    let chi1 = 0;
    let depthSq = 0;
    let depthPredSq = 0;
    const h = 1e-6;
    for (let i = 0; i < n; i++) {
      const p = workspacePoint(rng);
      const [l, r] = project2(s, p);
      const noisy = (uv: Vec2): Vec2 => [uv[0] + rng.normal() * sigma, uv[1] + rng.normal() * sigma];
      const t = triangulatePoint(s, noisy(l), noisy(r));
      expect(t.ok).toBe(true);
      // Covariance of the estimate from finite-difference Jacobians of the projections: σ² (JᵀJ)⁻¹.
      const J: number[][] = [];
      for (let k = 0; k < 3; k++) {
        const pp: Vec3 = [...p];
        pp[k] += h;
        const [l2, r2] = project2(s, pp);
        J.push([(l2[0] - l[0]) / h, (l2[1] - l[1]) / h, (r2[0] - r[0]) / h, (r2[1] - r[1]) / h]);
      }
      const H = [0, 0, 0, 0, 0, 0, 0, 0, 0];
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) for (let m = 0; m < 4; m++) H[a * 3 + b] += J[a][m] * J[b][m];
      const e: Vec3 = [t.world![0] - p[0], t.world![1] - p[1], t.world![2] - p[2]];
      const He = [0, 1, 2].map((a) => H[a * 3] * e[0] + H[a * 3 + 1] * e[1] + H[a * 3 + 2] * e[2]);
      chi3 += (e[0] * He[0] + e[1] * He[1] + e[2] * He[2]) / (sigma * sigma);
      chi1 += (t.reprojectionPx[0] ** 2 + t.reprojectionPx[1] ** 2) / (sigma * sigma);
      // Depth along the left optical axis: predicted variance from the covariance.
      const zdir = s.leftFromWorld.R.slice(6, 9) as Vec3;
      const col = solve3(H, zdir)!;
      depthPredSq += sigma * sigma * (zdir[0] * col[0] + zdir[1] * col[1] + zdir[2] * col[2]);
      depthSq += (zdir[0] * e[0] + zdir[1] * e[1] + zdir[2] * e[2]) ** 2;
    }
    expect(chi3 / n).toBeGreaterThan(3 * 0.85);
    expect(chi3 / n).toBeLessThan(3 * 1.15);
    expect(chi1 / n).toBeGreaterThan(0.85);
    expect(chi1 / n).toBeLessThan(1.15);
    const rmsDepth = Math.sqrt(depthSq / n);
    const predDepth = Math.sqrt(depthPredSq / n);
    if (process.env.YOTO_DEBUG) console.log({ chi3: chi3 / n, chi1: chi1 / n, rmsDepth, predDepth });
    expect(rmsDepth / predDepth).toBeGreaterThan(0.88);
    expect(rmsDepth / predDepth).toBeLessThan(1.12);
    // For this rig, 0.7 px of noise is about a centimetre of depth error at ~1 m.
    expect(rmsDepth).toBeGreaterThan(0.004);
    expect(rmsDepth).toBeLessThan(0.02);
  });

  it('rejects wrong correspondences, points behind, implausible depth and missing views, with a reason', () => {
    const rng = new Rng(3);
    const a = workspacePoint(rng);
    const [la] = project2(s, a);
    const [, rb] = project2(s, [a[0] + 0.05, a[1] - 0.2, a[2] + 0.15]);
    const wrong = triangulatePoint(s, la, rb);
    expect(wrong.ok).toBe(false);
    expect(['reprojection', 'behind-camera', 'depth-range']).toContain(wrong.reason);

    // Vertical mismatch of 30 px: no depth explains it.
    const [l, r] = project2(s, a);
    const vert = triangulatePoint(s, l, [r[0], r[1] + 30]);
    expect(vert.ok).toBe(false);
    expect(vert.reason).toBe('reprojection');
    expect(Math.max(...vert.reprojectionPx)).toBeGreaterThan(5);

    // Right pixel far to the right of the left one: rays meet behind the rig.
    const behind = triangulatePoint(s, l, [l[0] + 80, l[1]]);
    expect(behind.ok).toBe(false);
    expect(behind.reason).toBe('behind-camera');

    // A point 10 m away is outside the default plausible depth range.
    const far: Vec3 = s.centre('left').map((c, i) => c + 10 * s.worldFromLeft.R[i * 3 + 2]) as Vec3;
    const [lf, rf] = project2(s, far);
    const tf = triangulatePoint(s, lf, rf);
    expect(tf.reason).toBe('depth-range');
    expect(dist(tf.world!, far)).toBeLessThan(1e-4);
    expect(triangulatePoint(s, lf, rf, { maxDepth: 20 }).ok).toBe(true);

    // Parallel rays (zero disparity on a parallel rig): a point at infinity, never accepted.
    const par = new StereoCamera(lookAtRig({ centre: [-0.78, 0, 0.62], target: [0.05, 0, 0.02] }));
    const inf = triangulatePoint(par, [300, 200], [300, 200]);
    expect(inf.ok).toBe(false);
    expect(['degenerate', 'depth-range']).toContain(inf.reason);

    expect(triangulatePoint(s, null, r).reason).toBe('missing');
    expect(triangulatePoint(s, l, [NaN, 3]).reason).toBe('missing');
  });

  it('triangulates a hand’s 21 landmarks in one call and flags the bad ones', () => {
    const rng = new Rng(11);
    const pts = Array.from({ length: 21 }, () => workspacePoint(rng));
    const left: (Vec2 | null)[] = [];
    const right: (Vec2 | null)[] = [];
    for (const p of pts) {
      const [l, r] = project2(s, p);
      left.push(l);
      right.push(r);
    }
    right[4] = [right[4]![0], right[4]![1] + 25]; // mismatched fingertip
    left[8] = null; // occluded in one view
    const res = triangulateLandmarks(s, left, right);
    expect(res.points).toHaveLength(21);
    expect(res.validCount).toBe(19);
    expect(res.ok).toBe(true);
    expect(res.world[4]).toBeNull();
    expect(res.points[4].reason).toBe('reprojection');
    expect(res.points[8].reason).toBe('missing');
    for (let i = 0; i < 21; i++) if (i !== 4 && i !== 8) expect(dist(res.world[i]!, pts[i])).toBeLessThan(1e-6);
    expect(res.meanReprojectionPx).toBeLessThan(1e-6);

    const oneView = triangulateLandmarks(s, left, null);
    expect(oneView.validCount).toBe(0);
    expect(oneView.ok).toBe(false);
    expect(oneView.points.every((p) => p.reason === 'missing')).toBe(true);
  });

  it('the rig has the intended geometry', () => {
    expect(s.baseline).toBeCloseTo(0.12, 9);
    expect(s.worldFrame).toBe('world');
    // World z is up: the left camera looks down at the table.
    const fwd = s.worldFromLeft.R.filter((_, i) => i % 3 === 2);
    expect(fwd[2]).toBeLessThan(0);
  });
});
