/**
 * `readCalibration(paths)`: one or more calibration files in the formats people have, detected by
 * content, merged into yoto's StereoCalibration:
 * - yoto calib.yaml (everything; `format: yoto-calib`);
 * - OpenCV stereoCalibrate YAML (K1 D1 K2 D2 [R T] [image_size]), optionally with a separate
 *   OpenCV extrinsics.yml (R T ...);
 * - two ROS camera_info YAMLs (left and right; sides from camera_name, else the one whose P has
 *   Tx ≠ 0 is right, else the order given), extrinsics from their R/P or from an extrinsics YAML;
 * - a Kalibr camchain YAML (cam0 = left, cam1 = right, T_cn_cnm1);
 * - a camera→world transform YAML (see world-transform.ts), which also overrides calib.yaml's.
 * Without any camera→world transform the result's frame is `cam_left` (points stay in the left
 * camera's optical frame) — check `calib.cam_left_to_world.frame`.
 */
import { YotoError } from '../../core/errors.ts';
import type { Extrinsics, StereoCalibration } from '../stereo-camera.ts';
import { CALIB_FORMAT, CALIB_VERSION, StereoCalibrationSchema } from '../stereo-camera.ts';
import type { CalibrationKind, CalibrationParts } from './calibration-parts.ts';
import { readExtrinsicsFields } from './calibration-parts.ts';
import { isKalibrCamchain, readKalibrCamchain } from './kalibr-camchain.ts';
import { isOpenCvStereo, readOpenCvStereo } from './opencv-stereo.ts';
import type { RosCameraInfo } from './ros-camera-info.ts';
import { extrinsicsFromRectified, hasStereoShift, isRosCameraInfo, readRosCameraInfo, sideFromName } from './ros-camera-info.ts';
import { IDENTITY_WORLD, isWorldTransform, readWorldTransform } from './world-transform.ts';
import { isYotoCalib, readYotoCalib } from './yoto-calib.ts';
import { has, readYamlFile } from './yaml-source.ts';
import type { YamlSource } from './yaml-source.ts';

export interface ReadCalibrationOptions {
  /** Image size [width, height] for files that lack it (OpenCV stereoCalibrate output often does). */
  imageSize?: [number, number];
  /** Multiplies OpenCV/extrinsics T into metres (e.g. 0.001 when the board was measured in mm). */
  translationScale?: number;
}

/** What kind of calibration file this is, by its fields; null when none fits. */
export function detectCalibrationKind(src: YamlSource): CalibrationKind | null {
  if (isYotoCalib(src)) return 'yoto';
  if (isRosCameraInfo(src)) return 'ros-camera-info';
  if (isOpenCvStereo(src)) return 'opencv-stereo';
  if (isKalibrCamchain(src)) return 'kalibr';
  if (isWorldTransform(src)) return 'world';
  if (has(src.data, ['R', 'T'])) return 'extrinsics';
  return null;
}

const UNKNOWN =
  'not a recognised calibration file (expected yoto calib.yaml with format: yoto-calib, a ROS camera_info with camera_matrix, an OpenCV stereo file with K1 D1 K2 D2, a Kalibr camchain with cam0 and cam1, an extrinsics file with R and T, or a camera→world transform with translation and rotation)';

function assignRosSides(infos: RosCameraInfo[]): [RosCameraInfo, RosCameraInfo] {
  const [a, b] = infos;
  const sa = sideFromName(a);
  const sb = sideFromName(b);
  if (sa && sb && sa !== sb) return sa === 'left' ? [a, b] : [b, a];
  if (hasStereoShift(a) !== hasStereoShift(b)) return hasStereoShift(a) ? [b, a] : [a, b];
  return [a, b];
}

/** Merge already-parsed sources (the work of readCalibration, usable on in-memory text). */
export function calibrationFromSources(sources: readonly YamlSource[], opts: ReadCalibrationOptions = {}): StereoCalibration {
  const where = sources.map((s) => s.path).join(', ') || '(no calibration files)';
  const parts: CalibrationParts[] = [];
  const ros: RosCameraInfo[] = [];
  for (const src of sources) {
    const kind = detectCalibrationKind(src);
    switch (kind) {
      case 'yoto': {
        const c = readYotoCalib(src);
        parts.push({ kind, path: src.path, left: c.left, right: c.right, extrinsics: c.right_from_left, world: c.cam_left_to_world });
        break;
      }
      case 'opencv-stereo':
        parts.push(readOpenCvStereo(src, opts));
        break;
      case 'kalibr':
        parts.push(readKalibrCamchain(src));
        break;
      case 'ros-camera-info':
        ros.push(readRosCameraInfo(src));
        break;
      case 'extrinsics':
        parts.push({ kind, path: src.path, extrinsics: readExtrinsicsFields(src, opts.translationScale) });
        break;
      case 'world':
        parts.push({ kind, path: src.path, world: readWorldTransform(src) });
        break;
      default:
        throw new YotoError(UNKNOWN, src.path);
    }
  }
  if (ros.length === 1) throw new YotoError('one ROS camera_info given: a stereo pair needs the left and the right camera_info', ros[0].path);
  if (ros.length > 2) throw new YotoError(`${ros.length} ROS camera_info files given: expected two (left and right)`, where);
  if (ros.length === 2) {
    const [l, r] = assignRosSides(ros);
    const explicit = parts.some((p) => p.extrinsics);
    const rosPart: CalibrationParts = { kind: 'ros-camera-info', path: `${l.path}, ${r.path}`, left: l.intrinsics, right: r.intrinsics };
    if (!explicit) rosPart.extrinsics = extrinsicsFromRectified(l, r);
    parts.unshift(rosPart);
  }

  const take = <K extends 'left' | 'right' | 'extrinsics'>(key: K, label: string): NonNullable<CalibrationParts[K]> => {
    const given = parts.filter((p) => p[key] !== undefined);
    if (given.length > 1) throw new YotoError(`${label} given twice (${given.map((p) => p.path).join(' and ')})`, where);
    const v = given[0]?.[key];
    if (v === undefined) throw new YotoError(`missing ${label}`, where);
    return v as NonNullable<CalibrationParts[K]>;
  };
  const left = take('left', 'left camera intrinsics (K1, D1)');
  const right = take('right', 'right camera intrinsics (K2, D2)');
  const extrinsics: Extrinsics = take('extrinsics', 'stereo extrinsics (R, T)');
  // A separate camera→world file overrides the one inside calib.yaml (same rig, new mount).
  const worlds = parts.filter((p) => p.world);
  const separate = worlds.filter((p) => p.kind === 'world');
  if (separate.length > 1) throw new YotoError(`camera→world transform given twice (${separate.map((p) => p.path).join(' and ')})`, where);
  const world = (separate[0] ?? worlds[0])?.world ?? IDENTITY_WORLD;

  const r = StereoCalibrationSchema.safeParse({
    format: CALIB_FORMAT,
    version: CALIB_VERSION,
    left,
    right,
    right_from_left: extrinsics,
    cam_left_to_world: world,
  });
  if (!r.success) throw new YotoError(`inconsistent calibration (${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message})`, where);
  return r.data;
}

/** Read one or more calibration files (any order) into a StereoCalibration. */
export function readCalibration(paths: string | readonly string[], opts: ReadCalibrationOptions = {}): StereoCalibration {
  const list = typeof paths === 'string' ? [paths] : [...paths];
  if (list.length === 0) throw new YotoError('no calibration file given');
  return calibrationFromSources(list.map(readYamlFile), opts);
}
