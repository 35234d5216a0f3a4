/**
 * yoto's own calib.yaml: StereoCalibrationSchema written as YAML with comments (see
 * stereo-camera.ts for the conventions). Read with the schema, so a missing field or a file of
 * another version fails with one line naming the file and the field.
 */
import type { z } from 'zod';
import { YotoError } from '../../core/errors.ts';
import { writeFileAtomic } from '../../core/atomic.ts';
import type { CameraIntrinsics, StereoCalibration } from '../stereo-camera.ts';
import { CALIB_FORMAT, CALIB_VERSION, StereoCalibrationSchema } from '../stereo-camera.ts';
import type { YamlSource } from './yaml-source.ts';

export const isYotoCalib = (src: YamlSource): boolean => src.data.format === CALIB_FORMAT || 'right_from_left' in src.data;

/** The value at a zod issue path in the raw data (undefined when absent). */
function at(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function describe(err: z.ZodError, data: unknown): string {
  const issue = err.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
  if (issue.code !== 'unrecognized_keys' && issue.path.length > 0 && at(data, issue.path) === undefined) return `missing field ${path}`;
  if (issue.code === 'unrecognized_keys') return `unknown field ${path ? path + '.' : ''}${issue.keys.join(', ')}`;
  return `invalid field ${path || '(root)'}: ${issue.message}`;
}

export function readYotoCalib(src: YamlSource): StereoCalibration {
  const r = StereoCalibrationSchema.safeParse(src.data);
  if (!r.success) throw new YotoError(describe(r.error, src.data), src.path);
  return r.data;
}

/** Shortest text that reads back to the same double. */
const num = (v: number): string => (Object.is(v, -0) ? '0' : String(v));
const list = (v: readonly number[]): string => `[${v.map(num).join(', ')}]`;

function cameraYaml(c: CameraIntrinsics, indent: string): string {
  const d = c.distortion;
  return [
    `${indent}image_size: ${list(c.image_size)}  # width, height (pixels)`,
    `${indent}fx: ${num(c.fx)}`,
    `${indent}fy: ${num(c.fy)}`,
    `${indent}cx: ${num(c.cx)}`,
    `${indent}cy: ${num(c.cy)}`,
    `${indent}distortion: {model: ${d.model}, k1: ${num(d.k1)}, k2: ${num(d.k2)}, p1: ${num(d.p1)}, p2: ${num(d.p2)}, k3: ${num(d.k3)}}`,
  ].join('\n');
}

/** calib.yaml text for a calibration (validated first). */
export function calibrationToYaml(calib: StereoCalibration): string {
  const c = StereoCalibrationSchema.parse(calib);
  const w = c.cam_left_to_world;
  return `# yoto stereo calibration. Camera frames are optical: x right, y down, z forward.
format: ${CALIB_FORMAT}
version: ${CALIB_VERSION}
left:
${cameraYaml(c.left, '  ')}
right:
${cameraYaml(c.right, '  ')}
# x_right = R · x_left + T (OpenCV stereoCalibrate convention); T in metres.
right_from_left:
  R:
${c.right_from_left.R.map((row) => `    - ${list(row)}`).join('\n')}
  T: ${list(c.right_from_left.T)}
# The left camera's optical frame in \`frame\`: x_frame = rotate(quaternion, x_cam_left) + translation.
cam_left_to_world:
  frame: ${w.frame}
  translation: ${list(w.translation)}
  quaternion: ${list(w.quaternion)}  # x, y, z, w
`;
}

/** Write calib.yaml atomically. */
export function writeCalibration(path: string, calib: StereoCalibration): void {
  writeFileAtomic(path, calibrationToYaml(calib));
}
