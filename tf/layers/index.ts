/** yoto's custom tf.layers, registered for (de)serialization on import. */
export { FiLM, type FiLMArgs } from './film.ts';
export { GroupNormalization, type GroupNormalizationArgs } from './group-norm.ts';
