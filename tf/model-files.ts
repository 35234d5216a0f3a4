/**
 * A LayersModel in a folder, in the standard TensorFlow.js layout (model.json + weights.bin,
 * readable by tfjs-node's file:// loader and tfjs in the browser). tfjs-node, which owns the
 * file:// handler, is not installed here, so this is the small fs IOHandler yoto uses.
 * Both files are written atomically, weights first; model.json records the byte length the
 * weights must have, so a folder interrupted between the two renames fails to load with a
 * clear message instead of loading mismatched weights. yoto's custom layers (tf/layers/) are
 * registered here, so any model that uses them loads.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { io, type LayersModel } from './tfjs.ts';
import { loadLayersModel as tfLoadLayersModel } from '@tensorflow/tfjs-layers';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomic.ts';
import { YotoError } from '../core/errors.ts';
import { readJsonFile } from '../core/read.ts';
import './layers/index.ts';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

const weightSpec = z
  .object({
    name: z.string(),
    shape: z.array(z.number().int().nonnegative()),
    dtype: z.enum(['float32', 'int32', 'bool', 'string', 'complex64']),
  })
  .passthrough();

const modelJsonSchema = z
  .object({
    modelTopology: z.record(z.string(), z.unknown()),
    format: z.string().optional(),
    generatedBy: z.string().optional(),
    convertedBy: z.string().nullable().optional(),
    trainingConfig: z.record(z.string(), z.unknown()).optional(),
    userDefinedMetadata: z.record(z.string(), z.unknown()).optional(),
    weightsManifest: z.array(z.object({ paths: z.array(z.string()), weights: z.array(weightSpec) })),
    /** yoto's addition: total bytes of the weight files, checked on load. */
    weightsBytes: z.number().int().nonnegative().optional(),
  })
  .passthrough();

export interface SavedModelFiles {
  modelJson: string;
  weightsBin: string;
  weightsBytes: number;
}

export interface SaveModelOptions {
  /**
   * The topology to write instead of tfjs's own (compress/'s modelToJson fills in what tf.layers
   * drops, e.g. SeparableConv2D's depthMultiplier).
   */
  topology?: object;
}

/** Saves topology, weights and (if compiled) training config of `model` into folder `dir`. */
export async function saveModel(model: LayersModel, dir: string, opts: SaveModelOptions = {}): Promise<SavedModelFiles> {
  const out = resolve(dir);
  const modelJson = join(out, MODEL_JSON);
  const weightsBin = join(out, WEIGHTS_BIN);
  let weightsBytes = 0;
  await model.save(
    io.withSaveHandler(async (a) => {
      const data = a.weightData === undefined ? new ArrayBuffer(0) : io.CompositeArrayBuffer.join(a.weightData);
      weightsBytes = data.byteLength;
      writeFileAtomic(weightsBin, new Uint8Array(data));
      writeJsonAtomic(modelJson, {
        modelTopology: opts.topology ?? a.modelTopology,
        format: a.format,
        generatedBy: a.generatedBy,
        convertedBy: a.convertedBy ?? null,
        ...(a.trainingConfig ? { trainingConfig: a.trainingConfig } : {}),
        ...(a.userDefinedMetadata ? { userDefinedMetadata: a.userDefinedMetadata } : {}),
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: a.weightSpecs ?? [] }],
        weightsBytes,
      });
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightsBytes } };
    }),
  );
  return { modelJson, weightsBin, weightsBytes };
}

/**
 * Loads a LayersModel from a folder holding model.json (or from the path of a model.json).
 * Custom layers must be registered (tf.serialization.registerClass) before the call.
 */
export async function loadLayersModel(path: string, opts: { strict?: boolean } = {}): Promise<LayersModel> {
  const p = resolve(path);
  const modelJson = existsSync(p) && statSync(p).isDirectory() ? join(p, MODEL_JSON) : p;
  if (!existsSync(modelJson)) throw new YotoError(`no such model file (${MODEL_JSON} not found)`, modelJson);
  const m = readJsonFile(modelJson, modelJsonSchema);
  const base = dirname(modelJson);
  const parts: Uint8Array[] = [];
  for (const group of m.weightsManifest) {
    for (const file of group.paths) {
      const f = join(base, file);
      if (!existsSync(f)) throw new YotoError(`weights file ${file} named in ${MODEL_JSON} is missing`, base);
      parts.push(readFileSync(f));
    }
  }
  const total = parts.reduce((s, b) => s + b.byteLength, 0);
  if (m.weightsBytes !== undefined && total !== m.weightsBytes) {
    throw new YotoError(`weights are ${total} bytes but ${MODEL_JSON} expects ${m.weightsBytes} (an interrupted save?)`, base);
  }
  const weightData = new Uint8Array(total);
  let off = 0;
  for (const b of parts) {
    weightData.set(b, off);
    off += b.byteLength;
  }
  const handler = io.fromMemory({
    modelTopology: m.modelTopology,
    weightSpecs: m.weightsManifest.flatMap((g) => g.weights) as io.WeightsManifestEntry[],
    weightData: weightData.buffer,
    format: m.format,
    generatedBy: m.generatedBy,
    convertedBy: m.convertedBy ?? undefined,
    trainingConfig: m.trainingConfig as io.TrainingConfig | undefined,
    userDefinedMetadata: m.userDefinedMetadata as {} | undefined,
  });
  try {
    return await tfLoadLayersModel(handler, { strict: opts.strict ?? true });
  } catch (e) {
    throw new YotoError(`cannot load the model (${(e as Error).message})`, modelJson);
  }
}
