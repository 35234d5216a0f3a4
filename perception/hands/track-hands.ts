/**
 * Stereo video → 3-D hand tracks (hands.json), the `yoto hands` job: decode both views with
 * ffmpeg, run MediaPipe's HandLandmarker on each in headless Chromium, pair the detections across
 * views, give them identities, triangulate, reject spikes, fill short gaps, smooth, and write a
 * preview video with the landmarks drawn on both views.
 */
import { join } from 'node:path';
import type { Vec3 } from '../../core/geometry.ts';
import { writeJsonAtomic } from '../../core/atomic.ts';
import { YotoError } from '../../core/errors.ts';
import { HANDS_VERSION, HAND_SIDES, type Hands, type HandSide } from '../../core/hands.ts';
import { StereoCamera, type StereoCalibration } from '../stereo-camera.ts';
import { openStereo, type StereoInput, type StereoSource } from '../video/stereo.ts';
import { HandLandmarker, type HandObservation } from '../mediapipe/hand-landmarker.ts';
import { detectStereoHands } from '../mediapipe/stereo-hands.ts';
import { VideoEncoder } from '../../core/video-encoder.ts';
import type { Detection } from './assign-hands.ts';
import { buildHandTracks, type BuildTracksOptions, type HandTracks, type StereoDetections } from './build-tracks.ts';
import { defaultLandmarkOffsets, type LandmarkOffsets } from './landmark-offsets.ts';
import { drawHand, sideBySide } from './draw-landmarks.ts';
import { writeDetections } from './detections-file.ts';

export interface TrackHandsOptions {
  input: StereoInput;
  calib: StereoCalibration;
  outDir: string;
  /** 'lite' (default), 'full', or a path to an official hand_landmarker.task. */
  model?: string;
  preview?: boolean;
  maxPairs?: number;
  /** Longest gap (frames) filled by interpolation. */
  maxGapFrames?: number;
  /** Fusion with MediaPipe's hand shape (default on), or false for per-landmark triangulation. */
  fusion?: BuildTracksOptions['fusion'];
  /** Landmark offsets: undefined → the shipped table (landmark-offsets.json), null → none. */
  offsets?: LandmarkOffsets | null;
  /** Also write MediaPipe's raw detections to outDir/detections.json (detections-file.ts). */
  saveDetections?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface TrackHandsResult {
  hands: Hands;
  files: { hands: string; preview?: string; detections?: string };
  warnings: string[];
  stats: { pairs: number; seconds: number; pairsPerSecond: number; found: Record<HandSide, number>; meanReprojectionPx: number };
  /** MediaPipe's per-view detections per pair (to rebuild tracks with other options: buildHandTracks). */
  detections: StereoDetections[];
}

/** Both views' MediaPipe hands for every stereo pair, in the form buildHandTracks takes. */
export async function collectDetections(source: StereoSource, landmarker: HandLandmarker, o: { maxPairs?: number; onProgress?: (pairs: number) => void } = {}): Promise<StereoDetections[]> {
  const out: StereoDetections[] = [];
  for await (const p of detectStereoHands(source, landmarker, { maxPairs: o.maxPairs })) {
    out.push({ t: p.t, left: p.left.hands.map(toDetection), right: p.right.hands.map(toDetection) });
    o.onProgress?.(out.length);
  }
  return out;
}

const toDetection = (h: HandObservation): Detection => ({
  landmarks: h.landmarks.map(([x, y]) => [x, y] as [number, number]),
  label: h.handedness ?? '',
  score: h.handednessScore,
  shape: h.world ? h.world.map((p) => [...p] as Vec3) : null,
});

/** hands.json's content from the detections and the tracks built on them. */
export function handsFile(detections: readonly StereoDetections[], tracks: Pick<HandTracks, 'frames' | 'gaps'>, fallbackFps: number, source?: Hands['source']): Hands {
  const times = detections.map((d) => d.t);
  const fps = (times.length - 1) / Math.max(1e-9, times.at(-1)! - times[0]) || fallbackFps;
  return { version: HANDS_VERSION, frame: 'world', fps, frames: tracks.frames, gaps: tracks.gaps, ...(source ? { source } : {}) };
}

export async function trackHands(o: TrackHandsOptions): Promise<TrackHandsResult> {
  const t0 = performance.now();
  const stereo = new StereoCamera(o.calib);
  const source = await openStereo(o.input);
  const warnings = [...source.warnings];
  const [cw, ch] = o.calib.left.image_size;
  if (cw !== source.left.width || ch !== source.left.height)
    throw new YotoError(`calibration is for ${cw}×${ch} images but the video is ${source.left.width}×${source.left.height}`, 'calibration');
  if (o.calib.cam_left_to_world.frame === 'cam_left') warnings.push('calibration has no camera→world transform: hands are in the left camera frame');
  const total = Math.min(source.pairs.length, o.maxPairs ?? Infinity);
  const landmarker = await HandLandmarker.open(['left', 'right'], { model: o.model });
  let detections: StereoDetections[];
  try {
    detections = await collectDetections(source, landmarker, { maxPairs: o.maxPairs, onProgress: (n) => o.onProgress?.(n, total) });
  } finally {
    await landmarker.close();
  }
  if (detections.length === 0) throw new YotoError('no frames could be decoded', 'video');
  const times = detections.map((d) => d.t);
  const tracks = buildHandTracks(stereo, detections, { maxGapFrames: o.maxGapFrames, fusion: o.fusion, offsets: o.offsets === undefined ? defaultLandmarkOffsets() : o.offsets });
  const { assigned, found, gaps } = tracks;
  if (found.left + found.right === 0)
    throw new YotoError(`no hand found in both views in frames 0–${times.length - 1} (${times[0].toFixed(2)}–${times.at(-1)!.toFixed(2)} s)`, 'video');
  for (const g of gaps) warnings.push(`${g.hand} hand missing in frames ${g.from}–${g.to} (${times[g.from].toFixed(2)}–${times[g.to].toFixed(2)} s)`);
  const hands = handsFile(detections, tracks, source.left.fps, 'sbs' in o.input ? { sbs: o.input.sbs } : { left: o.input.left, right: o.input.right });
  const files: TrackHandsResult['files'] = { hands: join(o.outDir, 'hands.json') };
  writeJsonAtomic(files.hands, hands);
  if (o.saveDetections) {
    files.detections = join(o.outDir, 'detections.json');
    writeDetections(files.detections, detections);
  }

  if (o.preview !== false) {
    files.preview = join(o.outDir, 'preview.mp4');
    const enc = VideoEncoder.start(files.preview, { width: source.left.width * 2, height: source.left.height, fps: source.left.fps });
    let i = 0;
    for await (const p of source.frames({ maxPairs: o.maxPairs })) {
      const c = sideBySide(p.left, p.right);
      const a = assigned[i++];
      if (a)
        for (const h of HAND_SIDES) {
          const s = a[h];
          if (!s) continue;
          const color: [number, number, number] = h === 'left' ? [40, 220, 60] : [230, 50, 40];
          drawHand(c, s.left.landmarks, color, 0);
          drawHand(c, s.right.landmarks, color, source.left.width);
        }
      await enc.write(c.data);
    }
    await enc.finish();
  }
  const seconds = (performance.now() - t0) / 1000;
  return { hands, files, warnings, detections, stats: { pairs: times.length, seconds, pairsPerSecond: times.length / seconds, found, meanReprojectionPx: tracks.meanReprojectionPx } };
}
