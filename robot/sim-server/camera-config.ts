/**
 * The depth camera `yoto sim serve` publishes: the one a policy was trained with (policy.json's
 * `camera`, the dataset's camera), else the camera datasets are recorded with
 * (augment's DEFAULT_AUGMENT_CAMERA: the default viewpoint, 512 voxel-sampled points, the arms
 * filtered out), so a policy sees over ROS what it saw in training.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { YotoError } from '../../core/errors.ts';
import { parseWith, readJsonFile } from '../../core/read.ts';
import { DEFAULT_AUGMENT_CAMERA } from '../../augment/index.ts';
import { DepthCameraConfigSchema, type DepthCameraConfig } from '../../sim/index.ts';

/** policy/policy-file.ts's POLICY_JSON; read here with only the field needed, so no TensorFlow is loaded. */
const POLICY_JSON = 'policy.json';
const PolicyCameraSchema = z.looseObject({ camera: z.record(z.string(), z.unknown()) });

export function serveCameraConfig(o: { policyDir?: string; camera?: Record<string, unknown> } = {}): DepthCameraConfig {
  if (o.camera) return parseWith(DepthCameraConfigSchema, o.camera, 'camera config');
  if (o.policyDir) {
    const file = join(o.policyDir, POLICY_JSON);
    if (!existsSync(file)) throw new YotoError(`not a policy folder (no ${POLICY_JSON})`, o.policyDir);
    const { camera } = readJsonFile(file, PolicyCameraSchema);
    return parseWith(DepthCameraConfigSchema, camera, `${file}: camera`);
  }
  return parseWith(DepthCameraConfigSchema, DEFAULT_AUGMENT_CAMERA, 'DEFAULT_AUGMENT_CAMERA');
}
