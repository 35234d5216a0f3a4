import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dist } from '../../core/geometry.ts';
import type { Vec3 } from '../../core/geometry.ts';
import { readCalibration } from '../../perception/calibration/read-calibration.ts';
import { calibrationToYaml, writeCalibration } from '../../perception/calibration/yoto-calib.ts';
import { lookAtRig } from '../../perception/calibration/rig-from-poses.ts';
import { StereoCamera } from '../../perception/stereo-camera.ts';

describe('yoto calib.yaml', () => {
  it('writes atomically and reads back exactly, distortion included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yoto-calib-w-'));
    const calib = lookAtRig({
      centre: [-0.78, 0, 0.62],
      target: [0.05, 0, 0.02],
      distortion: { model: 'plumb_bob', k1: -0.123456789, k2: 0.0123, p1: 1e-4, p2: -2e-4, k3: 1 / 3 },
    });
    const path = join(dir, 'calib.yaml');
    writeCalibration(path, calib);
    expect(readdirSync(dir)).toEqual(['calib.yaml']);
    expect(readCalibration(path)).toEqual(calib);
    expect(readFileSync(path, 'utf8')).toContain('format: yoto-calib');
    // Overwriting leaves exactly one file too.
    writeCalibration(path, { ...calib, cam_left_to_world: { ...calib.cam_left_to_world, frame: 'table' } });
    expect(readdirSync(dir)).toEqual(['calib.yaml']);
    expect(readCalibration(path).cam_left_to_world.frame).toBe('table');
  });

  it('describes the rig it was built for (12 cm baseline, level, looking at the target)', () => {
    const target: Vec3 = [0.05, 0, 0.02];
    const s = new StereoCamera(lookAtRig({ centre: [-0.78, 0, 0.62], target }));
    expect(s.baseline).toBeCloseTo(0.12, 12);
    const mid: Vec3 = s.centre('left').map((v, i) => (v + s.centre('right')[i]) / 2) as Vec3;
    expect(dist(mid, [-0.78, 0, 0.62])).toBeLessThan(1e-12);
    // The target projects to the principal point of the (virtual) middle camera: left sees it right of centre.
    const uvL = s.project('left', target)!;
    const uvR = s.project('right', target)!;
    expect(uvL[1]).toBeCloseTo((480 - 1) / 2, 9);
    expect(uvL[0]).toBeGreaterThan(uvR[0]); // positive disparity
    expect(s.centre('left')[1]).toBeGreaterThan(s.centre('right')[1]); // left camera on the world +y side when looking along +x
  });

  it('a separate camera→world file overrides the one in calib.yaml; rejects unknown fields', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yoto-calib-o-'));
    const path = join(dir, 'calib.yaml');
    writeCalibration(path, lookAtRig({ centre: [-0.78, 0, 0.62], target: [0, 0, 0] }));
    const world = join(dir, 'mount.yaml');
    writeFileSync(world, 'frame: left_base\nmatrix:\n  - [1, 0, 0, 0.1]\n  - [0, 1, 0, 0.2]\n  - [0, 0, 1, 0.3]\n  - [0, 0, 0, 1]\n');
    const c = readCalibration([path, world]);
    expect(c.cam_left_to_world).toEqual({ frame: 'left_base', translation: [0.1, 0.2, 0.3], quaternion: [0, 0, 0, 1] });
    writeFileSync(path, readFileSync(path, 'utf8').replace('version: 1', 'version: 1\ncomment: hi'));
    expect(() => readCalibration(path)).toThrow(/calib\.yaml: unknown field comment/);
    writeFileSync(path, readFileSync(path, 'utf8').replace('comment: hi\n', '').replace('version: 1\n', ''));
    expect(() => readCalibration(path)).toThrow(/calib\.yaml: missing field version$/);
  });

  it('refuses to write an invalid calibration', () => {
    const c = lookAtRig({ centre: [-0.78, 0, 0.62], target: [0, 0, 0] });
    expect(() => calibrationToYaml({ ...c, left: { ...c.left, fx: -1 } })).toThrow();
  });
});
