import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isYotoError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import type { Vec3 } from '../../core/geometry.ts';
import { dist } from '../../core/geometry.ts';
import { readCalibration } from '../../perception/calibration/read-calibration.ts';
import { parseYamlText, CvMatrix } from '../../perception/calibration/yaml-source.ts';
import { StereoCamera } from '../../perception/stereo-camera.ts';
import type { CameraIntrinsics, StereoCalibration } from '../../perception/stereo-camera.ts';
import { triangulatePoint } from '../../perception/triangulate.ts';
import { truthCalibration } from '../fixtures/calib/make-fixtures.ts';

const FIX = join(import.meta.dirname, '../fixtures/calib');
const fx = (name: string) => join(FIX, name);
const truth = truthCalibration();

function expectIntrinsics(a: CameraIntrinsics, b: CameraIntrinsics, tol: number) {
  expect(a.image_size).toEqual(b.image_size);
  for (const k of ['fx', 'fy', 'cx', 'cy'] as const) expect(Math.abs(a[k] - b[k])).toBeLessThanOrEqual(tol);
  for (const k of ['k1', 'k2', 'p1', 'p2', 'k3'] as const) expect(Math.abs(a.distortion[k] - b.distortion[k])).toBeLessThanOrEqual(tol);
}

function expectCalibration(c: StereoCalibration, tolK: number, tolR: number, tolT: number, world = true) {
  expectIntrinsics(c.left, truth.left, tolK);
  expectIntrinsics(c.right, truth.right, tolK);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) expect(Math.abs(c.right_from_left.R[i][j] - truth.right_from_left.R[i][j])).toBeLessThanOrEqual(tolR);
    expect(Math.abs(c.right_from_left.T[i] - truth.right_from_left.T[i])).toBeLessThanOrEqual(tolT);
  }
  if (world) {
    expect(c.cam_left_to_world.frame).toBe('world');
    for (let i = 0; i < 3; i++) expect(c.cam_left_to_world.translation[i]).toBeCloseTo(truth.cam_left_to_world.translation[i], 12);
    for (let i = 0; i < 4; i++) expect(c.cam_left_to_world.quaternion[i]).toBeCloseTo(truth.cam_left_to_world.quaternion[i], 12);
  } else expect(c.cam_left_to_world.frame).toBe('cam_left');
}

/** The error message of a YotoError thrown by `f` (fails if none or another kind). */
function yotoMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (!isYotoError(e)) throw e;
    return e.message;
  }
  throw new Error('expected a YotoError');
}

const tmp = mkdtempSync(join(tmpdir(), 'yoto-calib-'));
const variant = (name: string, from: string, edit: (s: string) => string): string => {
  const p = join(tmp, name);
  writeFileSync(p, edit(readFileSync(fx(from), 'utf8')));
  return p;
};

describe('calibration readers (real-format samples)', () => {
  it('reads yoto calib.yaml exactly', () => {
    expect(readCalibration(fx('calib.yaml'))).toEqual(truth);
  });

  it('reads OpenCV stereoCalibrate YAML (%YAML:1.0, !!opencv-matrix) plus a camera→world file', () => {
    expectCalibration(readCalibration([fx('opencv-stereo.yml'), fx('camera-to-world.yaml')]), 1e-12, 1e-15, 1e-15);
    // Without the world file the points stay in the left camera frame.
    expectCalibration(readCalibration(fx('opencv-stereo.yml')), 1e-12, 1e-15, 1e-15, false);
    const src = parseYamlText(readFileSync(fx('opencv-stereo.yml'), 'utf8'), 'x');
    expect(src.opencv).toBe(true);
    expect(src.data.K1).toBeInstanceOf(CvMatrix);
    expect((src.data.K1 as CvMatrix).rows).toBe(3);
  });

  it('reads OpenCV stereo_calib sample files (M1 D1 M2 D2 + R T R1 R2 P1 P2 Q), asking for the image size', () => {
    const files = [fx('opencv-intrinsics.yml'), fx('opencv-extrinsics.yml')];
    expect(yotoMessage(() => readCalibration(files))).toMatch(/opencv-intrinsics\.yml: missing field image_size/);
    expectCalibration(readCalibration(files, { imageSize: [640, 480] }), 1e-12, 1e-15, 1e-15, false);
  });

  it('reads two ROS camera_info files and recovers the extrinsics from their R and P', () => {
    const tolR = 3e-6; // the files hold 6 decimals
    const c = readCalibration([fx('ros-left.yaml'), fx('ros-right.yaml'), fx('camera-to-world.yaml')]);
    expectCalibration(c, 1e-9, tolR, 1e-6);
    // Order does not matter: camera_name says which is which.
    expect(readCalibration([fx('ros-right.yaml'), fx('ros-left.yaml'), fx('camera-to-world.yaml')])).toEqual(c);
    // Nor do names: the camera whose P has Tx ≠ 0 is the right one.
    const anonL = variant('a.yaml', 'ros-left.yaml', (s) => s.replace('narrow_stereo/left', 'cam_a'));
    const anonR = variant('b.yaml', 'ros-right.yaml', (s) => s.replace('narrow_stereo/right', 'cam_b'));
    expect(readCalibration([anonR, anonL, fx('camera-to-world.yaml')])).toEqual(c);
  });

  it('reads CameraInfo messages as `ros2 topic echo` prints them (sides from header.frame_id)', () => {
    const c = readCalibration([fx('ros2-echo-right.yaml'), fx('ros2-echo-left.yaml')]);
    expectCalibration(c, 1e-15, 1e-12, 1e-12, false);
  });

  it('ROS camera_info + an extrinsics YAML: the explicit R, T win; without either, a clear error', () => {
    expectCalibration(readCalibration([fx('ros-left.yaml'), fx('ros-right.yaml'), fx('extrinsics.yaml')]), 1e-9, 1e-15, 1e-15, false);
    const mono = variant('mono-right.yaml', 'ros-right.yaml', (s) => s.replace('-71.925926', '0.000000'));
    expect(yotoMessage(() => readCalibration([fx('ros-left.yaml'), mono]))).toMatch(/mono-right\.yaml: missing stereo extrinsics/);
    expectCalibration(readCalibration([fx('ros-left.yaml'), mono, fx('extrinsics.yaml')]), 1e-9, 1e-15, 1e-15, false);
    expect(yotoMessage(() => readCalibration(fx('ros-left.yaml')))).toMatch(/ros-left\.yaml: one ROS camera_info given/);
  });

  it('reads a Kalibr camchain (cam0 left, cam1 right, T_cn_cnm1)', () => {
    const c = readCalibration([fx('kalibr-camchain.yaml'), fx('camera-to-world.yaml')]);
    // radtan has no k3: compare against the truth without it.
    const noK3 = (k: CameraIntrinsics) => ({ ...k, distortion: { ...k.distortion, k3: 0 } });
    expectIntrinsics(c.left, noK3(truth.left), 1e-15);
    expectIntrinsics(c.right, noK3(truth.right), 1e-15);
    expect(c.right_from_left).toEqual(truth.right_from_left);
    const bad = variant('kalibr-omni.yaml', 'kalibr-camchain.yaml', (s) => s.replace('camera_model: pinhole\n  distortion_coeffs: [-0.2771', 'camera_model: omni\n  distortion_coeffs: [-0.2771'));
    expect(yotoMessage(() => readCalibration(bad))).toMatch(/kalibr-omni\.yaml: cam1: camera model omni is not supported/);
    const noT = variant('kalibr-noT.yaml', 'kalibr-camchain.yaml', (s) => s.replace('T_cn_cnm1', 'T_cam_imu'));
    expect(yotoMessage(() => readCalibration(noT))).toBe(`${noT}: missing field cam1.T_cn_cnm1`);
  });

  it('a calibration read from ROS files triangulates like the true one (< 0.2 mm at ~1 m)', () => {
    const trueRig = new StereoCamera(truth);
    const rosRig = new StereoCamera(readCalibration([fx('ros-left.yaml'), fx('ros-right.yaml'), fx('camera-to-world.yaml')]));
    const rng = new Rng(5);
    for (let i = 0; i < 50; i++) {
      const p: Vec3 = [rng.uniform(-0.2, 0.3), rng.uniform(-0.3, 0.3), rng.uniform(0, 0.3)];
      const r = triangulatePoint(rosRig, trueRig.project('left', p), trueRig.project('right', p));
      expect(r.ok).toBe(true);
      expect(dist(r.world!, p)).toBeLessThan(2e-4);
    }
  });

  it('names the file and the field when something is missing or wrong', () => {
    const noK2 = variant('stereo.yml', 'opencv-stereo.yml', (s) => s.replace(/^K2:/m, 'K9:'));
    expect(yotoMessage(() => readCalibration(noK2))).toBe(`${noK2}: missing field K2`);
    const noFx = variant('calib-nofx.yaml', 'calib.yaml', (s) => s.replace(/(right:\n(?:.*\n)*?)  fx: .*\n/, '$1'));
    expect(yotoMessage(() => readCalibration(noFx))).toBe(`${noFx}: missing field right.fx`);
    const v2 = variant('calib-v2.yaml', 'calib.yaml', (s) => s.replace('version: 1', 'version: 2'));
    expect(yotoMessage(() => readCalibration(v2))).toMatch(/calib-v2\.yaml: .*unsupported calibration version/);
    const noW = variant('ros-noheight.yaml', 'ros-left.yaml', (s) => s.replace(/^image_height.*\n/m, ''));
    expect(yotoMessage(() => readCalibration([noW, fx('ros-right.yaml')]))).toBe(`${noW}: missing field image_height`);
    const noRot = variant('w.yaml', 'camera-to-world.yaml', (s) => s.replace(/^rotation.*\n/m, ''));
    expect(yotoMessage(() => readCalibration([fx('opencv-stereo.yml'), noRot]))).toBe(`${noRot}: missing field rotation`);
    const badR = variant('badR.yaml', 'extrinsics.yaml', (s) => s.replace(/- \[0\.99977/, '- [1.5'));
    expect(yotoMessage(() => readCalibration([fx('ros-left.yaml'), fx('ros-right.yaml'), badR]))).toMatch(/badR\.yaml: field R is not a rotation matrix/);
    const mm = variant('mm.yml', 'opencv-stereo.yml', (s) => s.replace('data: [ -1.1987000000000000e-01, 4.2000000000000002e-04, 1.1800000000000001e-03 ]', 'data: [ -1.1987000000000000e+02, 4.2000000000000002e-01, 1.1800000000000001e+00 ]'));
    expect(yotoMessage(() => readCalibration(mm))).toMatch(/mm\.yml: field T has length 119\.9.*millimetres/);
    expectCalibration(readCalibration(mm, { translationScale: 0.001 }), 1e-12, 1e-15, 1e-12, false);
    const fish = variant('fish.yaml', 'ros-left.yaml', (s) => s.replace('plumb_bob', 'equidistant'));
    expect(yotoMessage(() => readCalibration([fish, fx('ros-right.yaml')]))).toMatch(/fish\.yaml: distortion model equidistant is not supported/);
    const rational = variant('rat.yml', 'opencv-stereo.yml', (s) => s.replace(/(D1: !!opencv-matrix\n   rows: 1\n   cols: )5(\n   dt: d\n   data: \[ )/, '$18$2').replace('-9.7999999999999997e-03 ]', '-9.7999999999999997e-03, 0.1, 0., 0. ]'));
    expect(yotoMessage(() => readCalibration(rational))).toMatch(/rat\.yml: field D1 uses rational/);
    expect(yotoMessage(() => readCalibration(join(tmp, 'nope.yaml')))).toMatch(/nope\.yaml: file not found/);
    const junk = join(tmp, 'junk.yaml');
    writeFileSync(junk, 'foo: [1, 2\n');
    expect(yotoMessage(() => readCalibration(junk))).toMatch(/junk\.yaml: not valid YAML/);
    writeFileSync(junk, 'foo: 1\n');
    expect(yotoMessage(() => readCalibration(junk))).toMatch(/junk\.yaml: not a recognised calibration file/);
    expect(yotoMessage(() => readCalibration([fx('calib.yaml'), fx('opencv-stereo.yml')]))).toMatch(/given twice/);
    expect(basename(noK2)).toBe('stereo.yml');
  });
});
