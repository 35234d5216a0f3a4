/**
 * The rig's calibration as yoto's calib.yaml, through perception's own model and writer
 * (perception/calibration: optical camera frames, plumb_bob distortion — all zero here, since the
 * images are rendered with this very pinhole model — x_right = R·x_left + T, and the left optical
 * frame in the world).
 */
import { calibrationFromPoses, writeCalibration, type StereoCalibration } from '../perception/index.ts';
import type { StereoRig } from './stereo-rig.ts';

/** Drop floating-point dust (1e-16 off-diagonals, 0.11999999999999997) from composed transforms. */
const clean = (v: number): number => Math.round(v * 1e12) / 1e12 + 0;

export function rigCalibration(rig: StereoRig): StereoCalibration {
  const k = rig.intrinsics;
  const camera = {
    image_size: [k.width, k.height] as [number, number],
    fx: k.fx,
    fy: k.fy,
    cx: k.cx,
    cy: k.cy,
    distortion: { model: 'plumb_bob' as const, k1: 0, k2: 0, p1: 0, p2: 0, k3: 0 },
  };
  const c = calibrationFromPoses(camera, { ...camera }, rig.camToWorld.left, rig.camToWorld.right);
  const { R, T } = c.right_from_left;
  const w = c.cam_left_to_world;
  return {
    ...c,
    right_from_left: { R: R.map((row) => row.map(clean)) as typeof R, T: T.map(clean) as typeof T },
    cam_left_to_world: { ...w, translation: w.translation.map(clean) as typeof w.translation, quaternion: w.quaternion.map(clean) as typeof w.quaternion },
  };
}

/** Write calib.yaml (atomically) for the rig; returns what was written. */
export function writeRigCalibration(path: string, rig: StereoRig): StereoCalibration {
  const calib = rigCalibration(rig);
  writeCalibration(path, calib);
  return calib;
}
