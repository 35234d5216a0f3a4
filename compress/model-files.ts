/**
 * A LayersModel in a folder, in the standard TensorFlow.js layout (model.json with the
 * topology and weights manifest, plus weights.bin), read and written with node:fs. The
 * topology comes from modelToJson so models with SeparableConv2D survive the trip.
 * (core/tf.ts is meant to grow a general fs IOHandler; this is compress/'s own small one.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../core/tf.ts';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomic.ts';
import { YotoError } from '../core/errors.ts';
import { modelToJson } from './model-json.ts';
// Loading a model that uses them needs compress/'s custom layers registered.
import './group-norm.ts';
import './film.ts';

interface ModelFile {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  format?: string;
  generatedBy?: string;
}

export async function saveModelFolder(model: tf.LayersModel, dir: string): Promise<void> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const data = artifacts!.weightData;
  const bytes = data === undefined ? new Uint8Array(0) : new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
  writeFileAtomic(join(dir, 'weights.bin'), bytes);
  const file: ModelFile = {
    format: 'layers-model',
    generatedBy: 'yoto compress',
    modelTopology: modelToJson(model),
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts!.weightSpecs ?? [] }],
  };
  writeJsonAtomic(join(dir, 'model.json'), file);
}

/** Loads model.json (a path to the file, or its folder) and the weight files it lists. */
export async function loadModelFolder(path: string): Promise<tf.LayersModel> {
  const file = path.endsWith('.json') ? path : join(path, 'model.json');
  if (!existsSync(file)) throw new YotoError('no such model file', file);
  let json: ModelFile;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as ModelFile;
  } catch (e) {
    throw new YotoError(`not valid JSON (${(e as Error).message})`, file);
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new YotoError('not a TensorFlow.js layers model (needs modelTopology and weightsManifest)', file);
  }
  const dir = file.slice(0, Math.max(0, file.lastIndexOf('/') + 1)) || './';
  const specs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const wp = join(dir, p);
      if (!existsSync(wp)) throw new YotoError('weight file listed in model.json is missing', wp);
      chunks.push(new Uint8Array(readFileSync(wp)));
    }
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const all = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.length;
  }
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology as tf.io.ModelJSON['modelTopology'], weightSpecs: specs, weightData: all.buffer }),
  );
}
