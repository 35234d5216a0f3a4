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
import { HANDS_VERSION, HAND_SIDES, type HandFrame, type Hands, type HandSide } from '../../core/hands.ts';
import { StereoCamera, type StereoCalibration } from '../stereo-camera.ts';
import { triangulateLandmarks } from '../triangulate.ts';
import { rejectLandmarkSpikes, fillLandmarkGaps } from '../gaps.ts';
import { smoothLandmarkTrack } from '../smoothing.ts';
import { openStereo, type StereoInput } from '../video/stereo.ts';
import { HandLandmarker } from '../mediapipe/hand-landmarker.ts';
import { detectStereoHands } from '../mediapipe/stereo-hands.ts';
import { VideoEncoder } from '../../core/video-encoder.ts';
import { assignIdentities, pairViews, type Detection, type StereoHand } from './assign-hands.ts';
import { drawHand, sideBySide } from './draw-landmarks.ts';

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
  onProgress?: (done: number, total: number) => void;
}

export interface TrackHandsResult {
  hands: Hands;
  files: { hands: string; preview?: string };
  warnings: string[];
  stats: { pairs: number; seconds: number; pairsPerSecond: number; found: Record<HandSide, number>; meanReprojectionPx: number };
}

const toDetection = (h: { handedness: string | null; handednessScore: number; landmarks: [number, number, number][] }): Detection => ({
  landmarks: h.landmarks.map(([x, y]) => [x, y] as [number, number]),
  label: h.handedness ?? '',
  score: h.handednessScore,
});

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
  const times: number[] = [];
  const perFrame: StereoHand[][] = [];
  try {
    for await (const p of detectStereoHands(source, landmarker, { maxPairs: o.maxPairs })) {
      const tri = (l: Detection, r: Detection) => {
        const t = triangulateLandmarks(stereo, l.landmarks, r.landmarks);
        if (!t.ok) return null;
        // Identity decisions use the wrist; fall back to the centroid when it was rejected.
        const valid = t.world.filter((w): w is Vec3 => w !== null);
        const c: Vec3 = valid.reduce((s, w) => [s[0] + w[0] / valid.length, s[1] + w[1] / valid.length, s[2] + w[2] / valid.length], [0, 0, 0] as Vec3);
        return { world: t.world.map((w) => w ?? c), reprojectionError: t.meanReprojectionPx, raw: t.world };
      };
      perFrame.push(pairViews(p.left.hands.map(toDetection), p.right.hands.map(toDetection), tri));
      times.push(p.t);
      o.onProgress?.(times.length, total);
    }
  } finally {
    await landmarker.close();
  }
  if (times.length === 0) throw new YotoError('no frames could be decoded', 'video');
  const assigned = assignIdentities(perFrame);
  const found = { left: 0, right: 0 };
  for (const a of assigned) for (const h of HAND_SIDES) if (a[h]) found[h]++;
  if (found.left + found.right === 0)
    throw new YotoError(`no hand found in both views in frames 0–${times.length - 1} (${times[0].toFixed(2)}–${times.at(-1)!.toFixed(2)} s)`, 'video');

  // Per hand: re-triangulate (keeping rejected landmarks empty), then spikes → gaps → smoothing.
  const maxGapFrames = o.maxGapFrames ?? 5;
  const tracks = Object.fromEntries(
    HAND_SIDES.map((h) => {
      const raw = assigned.map((a) => (a[h] ? triangulateLandmarks(stereo, a[h]!.left.landmarks, a[h]!.right.landmarks).world : null));
      const spikes = rejectLandmarkSpikes(raw);
      const filled = fillLandmarkGaps(spikes.frames, times, { maxGapFrames });
      const smooth = smoothLandmarkTrack(filled.frames, times);
      return [h, { smooth, filledFrames: new Set(raw.map((r, i) => (r === null && filled.frames[i] ? i : -1)).filter((i) => i >= 0)), gaps: filled.unfilled }];
    }),
  ) as Record<HandSide, { smooth: ((Vec3 | null)[] | null)[]; filledFrames: Set<number>; gaps: { start: number; end: number; reason: string }[] }>;

  let errSum = 0;
  let errN = 0;
  const frames: Hands['frames'] = times.map((t, i) => {
    const hand = (h: HandSide): HandFrame | null => {
      const s = assigned[i][h];
      const w = tracks[h].smooth[i];
      const complete = w && w.every((p) => p !== null) ? (w as Vec3[]) : null;
      if (!s && !complete) return null;
      if (s) {
        errSum += s.reprojectionError;
        errN++;
      }
      return {
        world: complete,
        views: {
          left: s ? { landmarks: s.left.landmarks, score: s.left.score } : null,
          right: s ? { landmarks: s.right.landmarks, score: s.right.score } : null,
        },
        reprojection_error: s ? s.reprojectionError : null,
        ...(tracks[h].filledFrames.has(i) ? { interpolated: true } : {}),
      };
    };
    return { t, left: hand('left'), right: hand('right') };
  });
  const gaps = HAND_SIDES.flatMap((h) => tracks[h].gaps.map((g) => ({ hand: h, from: g.start, to: g.end })));
  for (const g of gaps) warnings.push(`${g.hand} hand missing in frames ${g.from}–${g.to} (${times[g.from].toFixed(2)}–${times[g.to].toFixed(2)} s)`);
  const fps = (times.length - 1) / Math.max(1e-9, times.at(-1)! - times[0]) || source.left.fps;
  const hands: Hands = { version: HANDS_VERSION, frame: 'world', fps, frames, gaps, source: 'sbs' in o.input ? { sbs: o.input.sbs } : { left: o.input.left, right: o.input.right } };
  const files: TrackHandsResult['files'] = { hands: join(o.outDir, 'hands.json') };
  writeJsonAtomic(files.hands, hands);

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
  return { hands, files, warnings, stats: { pairs: times.length, seconds, pairsPerSecond: times.length / seconds, found, meanReprojectionPx: errN ? errSum / errN : NaN } };
}
