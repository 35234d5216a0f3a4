export * from './errors.ts';
export * from './rng.ts';
export * from './geometry.ts';
export * from './atomic.ts';
export * from './read.ts';
export * from './program.ts';
export * from './scene.ts';
