/**
 * detections.json: MediaPipe's raw per-view hands for every stereo pair, before any geometry —
 * what buildHandTracks takes. Kept beside hands.json when asked (trackHands `saveDetections`),
 * so tracks can be rebuilt with other geometry without running MediaPipe again (the bench does).
 */
import { z } from 'zod';
import { writeJsonAtomic } from '../../core/atomic.ts';
import { readJsonFile } from '../../core/read.ts';
import { Vec3Schema } from '../../core/program.ts';
import type { StereoDetections } from './build-tracks.ts';

const DetectionSchema = z.strictObject({
  landmarks: z.array(z.tuple([z.number(), z.number()])).length(21),
  label: z.string(),
  score: z.number(),
  shape: z.array(Vec3Schema).length(21).nullable().optional(),
});

export const DetectionsFileSchema = z.strictObject({
  version: z.literal(1),
  pairs: z.array(z.strictObject({ t: z.number(), left: z.array(DetectionSchema), right: z.array(DetectionSchema) })),
});

export function writeDetections(path: string, detections: readonly StereoDetections[]): void {
  writeJsonAtomic(path, { version: 1, pairs: detections });
}

export function readDetections(path: string): StereoDetections[] {
  return readJsonFile(path, DetectionsFileSchema).pairs;
}
