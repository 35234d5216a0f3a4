/**
 * yoto's one entry to TensorFlow.js. `tf` is tfjs-core + tfjs-layers (ops, tf.train,
 * tf.io, tf.layers, tf.model, tf.models.modelFromJSON); `initTf()` picks and starts the
 * fastest backend and installs yoto's wasm kernel fixes; `saveModel`/`loadLayersModel`
 * read and write a LayersModel in a folder; `saveTensors`/`loadTensors` named tensors in one
 * file (optimizer state, EMA weights).
 *
 *   import { tf, initTf } from '../core/tf.ts';
 *   const { backend } = await initTf();
 */
import * as tf from './tf/tfjs.ts';

export { tf };
export { initTf, currentTfBackend } from './tf/backend.ts';
export type { Tf, TfBackendName, TfBackendRequest, InitTfOptions, TfRuntime } from './tf/backend.ts';
export { saveModel, loadLayersModel, MODEL_JSON, WEIGHTS_BIN } from './tf/model-files.ts';
export type { SavedModelFiles } from './tf/model-files.ts';
export { saveTensors, loadTensors } from './tf/tensor-file.ts';
