/**
 * The TensorFlow.js namespace yoto uses: tfjs-core (tensors, ops, tf.train optimizers, tf.io)
 * plus tfjs-layers (tf.layers, tf.model, tf.sequential, tf.models.modelFromJSON, LayersModel),
 * the same pair the umbrella @tensorflow/tfjs package combines (it is not installed here).
 * Import it as `import { tf } from '../tf/index.ts'`; call `initTf()` before the first op.
 */
export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
