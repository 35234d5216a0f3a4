/**
 * The hand_landmarker.task bundle, built offline. Google's download is unreachable here (and from
 * many robots' networks), but the npm package @mediapipe/hands ships the same palm detector and
 * landmark models for the older Solutions API. We add the TFLite metadata MediaPipe Tasks needs
 * and zip them the way a .task bundle is laid out. Built once into a cache folder and checked
 * against its recorded sha256 on every use.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic, writeJsonAtomic } from '../../core/atomic.ts';
import { YotoError } from '../../core/errors.ts';
import { imageInputMetadata, withModelMetadata } from './tflite-metadata.ts';
import { listZip, writeZipStore } from './zip-store.ts';

export type HandModelVariant = 'full' | 'lite';

/** Entry names MediaPipe's HandLandmarker looks for inside the bundle. */
export const DETECTOR_ENTRY = 'hand_detector.tflite';
export const LANDMARKS_ENTRY = 'hand_landmarks_detector.tflite';

/**
 * Where the palm detectors sit inside hands_solution_packed_assets.data (byte ranges from
 * hands_solution_packed_assets_loader.js of @mediapipe/hands 0.4.1675469240). The loader is read
 * at build time and must agree.
 */
export const PALM_RANGES: Record<HandModelVariant, { start: number; end: number }> = {
  full: { start: 11, end: 2341291 },
  lite: { start: 2341291, end: 4326731 },
};

/** The models of both stages see RGB scaled to [0, 1]: (pixel - 0) / 255. */
const NORMALIZATION = { mean: [0], std: [255] };

/** Bump when the bundle's layout changes, so old caches rebuild. */
const BUILDER_VERSION = 1;

export interface HandModel {
  /** 'full', 'lite', or the user's .task path. */
  name: string;
  path: string;
  bytes: Uint8Array;
  sha256: string;
  /** Whether this call built the bundle (false: cache hit or a user file). */
  built: boolean;
}

/** The cache folder: $YOTO_CACHE, else ~/.cache/yoto. */
export function cacheDir(): string {
  return resolve(process.env.YOTO_CACHE ?? join(homedir(), '.cache', 'yoto'));
}

export function handsPackageDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve('@mediapipe/hands/package.json'));
  } catch {
    throw new YotoError('the npm package @mediapipe/hands is missing; run npm install', '@mediapipe/hands');
  }
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function readPackageFile(dir: string, name: string): Uint8Array {
  const p = join(dir, name);
  try {
    return readFileSync(p);
  } catch {
    throw new YotoError('missing from @mediapipe/hands (reinstall the package)', p);
  }
}

/** Check the byte ranges against the package's own loader, where it says them. */
function palmRange(dir: string, variant: HandModelVariant): { start: number; end: number } {
  const known = PALM_RANGES[variant];
  const loaderPath = join(dir, 'hands_solution_packed_assets_loader.js');
  if (!existsSync(loaderPath)) return known;
  const loader = readFileSync(loaderPath, 'utf8');
  const m = new RegExp(`palm_detection_${variant}\\.tflite"\\s*,\\s*"start"\\s*:\\s*(\\d+)\\s*,\\s*"end"\\s*:\\s*(\\d+)`).exec(loader);
  if (!m) return known;
  return { start: Number(m[1]), end: Number(m[2]) };
}

function checkTflite(bytes: Uint8Array, what: string): void {
  if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(4, 8)) !== 'TFL3') {
    throw new YotoError('is not a TFLite model (wrong @mediapipe/hands version?)', what);
  }
}

/** Build the bundle in memory from @mediapipe/hands. Deterministic: same package, same bytes. */
export function buildHandLandmarkerBundle(variant: HandModelVariant, packageDir = handsPackageDir()): Uint8Array {
  const packed = readPackageFile(packageDir, 'hands_solution_packed_assets.data');
  const { start, end } = palmRange(packageDir, variant);
  if (end > packed.length) throw new YotoError(`is shorter than the palm_detection_${variant} range ${start}..${end}`, join(packageDir, 'hands_solution_packed_assets.data'));
  const palm = packed.subarray(start, end);
  checkTflite(palm, `palm_detection_${variant}.tflite in hands_solution_packed_assets.data`);
  const landmark = readPackageFile(packageDir, `hand_landmark_${variant}.tflite`);
  checkTflite(landmark, `hand_landmark_${variant}.tflite`);
  const detector = withModelMetadata(palm, imageInputMetadata({ name: `palm_detection_${variant}`, ...NORMALIZATION }));
  const landmarks = withModelMetadata(landmark, imageInputMetadata({ name: `hand_landmark_${variant}`, ...NORMALIZATION }));
  return writeZipStore([
    { name: DETECTOR_ENTRY, data: detector },
    { name: LANDMARKS_ENTRY, data: landmarks },
  ]);
}

const CacheRecord = z.object({
  builder: z.literal(BUILDER_VERSION),
  package: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().positive(),
});

function packageVersion(dir: string): string {
  try {
    return String((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown }).version ?? '?');
  } catch {
    return '?';
  }
}

/**
 * The bundle for a variant from the cache, (re)built when missing, stale (another package
 * version or builder) or corrupt (its bytes no longer match the recorded sha256).
 */
export function ensureHandLandmarkerBundle(variant: HandModelVariant, dir = cacheDir()): HandModel {
  const pkgDir = handsPackageDir();
  const pkg = `@mediapipe/hands@${packageVersion(pkgDir)}`;
  const path = join(dir, `hand_landmarker_${variant}.task`);
  const recordPath = `${path}.json`;
  if (existsSync(path) && existsSync(recordPath)) {
    let rec: z.infer<typeof CacheRecord> | null = null;
    try {
      const r = CacheRecord.safeParse(JSON.parse(readFileSync(recordPath, 'utf8')));
      rec = r.success ? r.data : null;
    } catch {
      rec = null;
    }
    if (rec && rec.package === pkg && statSync(path).size === rec.size) {
      const bytes = readFileSync(path);
      const hash = sha256(bytes);
      if (hash === rec.sha256) return { name: variant, path, bytes, sha256: hash, built: false };
    }
  }
  const bytes = buildHandLandmarkerBundle(variant, pkgDir);
  const hash = sha256(bytes);
  try {
    writeFileAtomic(path, bytes);
    writeJsonAtomic(recordPath, { builder: BUILDER_VERSION, package: pkg, sha256: hash, size: bytes.length });
  } catch (e) {
    throw new YotoError(`cannot write the model cache (${e instanceof Error ? e.message : String(e)}); set YOTO_CACHE to a writable folder`, dir);
  }
  return { name: variant, path, bytes, sha256: hash, built: true };
}

/** Check a user's .task file holds the two models MediaPipe's HandLandmarker needs. */
export function loadHandLandmarkerTask(path: string): HandModel {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new YotoError('cannot read the hand landmarker model', path);
  }
  let names: string[];
  try {
    names = listZip(bytes).map((e) => e.name);
  } catch (e) {
    throw new YotoError(`is not a MediaPipe .task bundle (${e instanceof Error ? e.message : String(e)})`, path);
  }
  for (const need of [DETECTOR_ENTRY, LANDMARKS_ENTRY]) {
    if (!names.includes(need)) throw new YotoError(`is not a hand landmarker bundle: no ${need} inside (has ${names.join(', ') || 'nothing'})`, path);
  }
  return { name: path, path: resolve(path), bytes, sha256: sha256(bytes), built: false };
}

/** `--model full|lite|path.task`: the bundle to load. */
export function resolveHandModel(model: string = 'lite', dir = cacheDir()): HandModel {
  if (model === 'full' || model === 'lite') return ensureHandLandmarkerBundle(model, dir);
  return loadHandLandmarkerTask(model);
}
