/**
 * yoto's one entry to TensorFlow.js. `tf` is tfjs-core + tfjs-layers (ops, tf.train,
 * tf.io, tf.layers, tf.model, tf.models.modelFromJSON); `initTf()` picks and starts the
 * fastest backend and installs yoto's wasm kernel fixes; `saveModel`/`loadLayersModel`
 * read and write a LayersModel in a folder; `saveTensors`/`loadTensors` named tensors in one
 * file (optimizer state, EMA weights).
 *
 *   import { tf, initTf } from '../tf/index.ts';
 *   const { backend } = await initTf();
 */
import * as tf from './tfjs.ts';

export { tf };
export { initTf, currentTfBackend } from './backend.ts';
export type { Tf, TfBackendName, TfBackendRequest, InitTfOptions, TfRuntime } from './backend.ts';
export { saveModel, loadLayersModel, MODEL_JSON, WEIGHTS_BIN } from './model-files.ts';
export type { SavedModelFiles, SaveModelOptions } from './model-files.ts';
export { FiLM, GroupNormalization, type FiLMArgs, type GroupNormalizationArgs } from './layers/index.ts';
export { saveTensors, loadTensors } from './tensor-file.ts';
