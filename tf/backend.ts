/**
 * Picks the fastest TensorFlow.js backend this machine can run and makes it current:
 * @tensorflow/tfjs-node-gpu, @tensorflow/tfjs-node (both native libtensorflow, optional and
 * usually absent because their install downloads libtensorflow), the wasm backend (XNNPACK +
 * SIMD; threads are off in Node), and the pure-JS cpu backend last.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from './tfjs.ts';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { YotoError } from '../core/errors.ts';
import { registerWasmKernels } from './wasm/kernels.ts';
import { registerTileGrad } from './grad/tile.ts';
import { registerMatMulGrad } from './grad/matmul.ts';
import { registerMaxGrad } from './grad/max.ts';

export type Tf = typeof tf;
/** What a caller may ask for; 'auto' takes the fastest that works. */
export type TfBackendRequest = 'auto' | 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';
/** The backend in use, named by the package that provides it. */
export type TfBackendName = Exclude<TfBackendRequest, 'auto'>;

export interface InitTfOptions {
  /** Default: the YOTO_TF_BACKEND environment variable, else 'auto'. */
  backend?: TfBackendRequest;
}

export interface TfRuntime {
  /** tfjs-core + tfjs-layers, the same object as the static `tf` export. */
  tf: Tf;
  backend: TfBackendName;
}

const requests: readonly TfBackendRequest[] = ['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];
const order: readonly TfBackendName[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

/** One attempt per backend per process: a failed native import is not retried. */
const attempts = new Map<TfBackendName, Promise<boolean>>();
let current: TfBackendName | null = null;
let wasmPathsSet = false;

/**
 * Makes a backend current and returns it. Safe to call many times and concurrently; a later
 * call with another backend switches to it (tensors move between backends on use).
 * Prints nothing: callers print `backend` if they want.
 */
export async function initTf(opts: InitTfOptions = {}): Promise<TfRuntime> {
  const request = opts.backend ?? requestFromEnv();
  // Gradient fixes hold for every backend.
  registerTileGrad();
  registerMatMulGrad();
  registerMaxGrad();
  if (request !== 'auto') {
    if (!(await prepare(request))) {
      throw new YotoError(`TensorFlow.js backend '${request}' is not available here (${hint(request)})`, 'initTf');
    }
    await activate(request);
    return { tf, backend: request };
  }
  if (current !== null) return { tf, backend: current };
  for (const name of order) {
    if (await prepare(name)) {
      await activate(name);
      return { tf, backend: name };
    }
  }
  throw new Error('initTf: no TensorFlow.js backend could start, not even cpu');
}

/** The backend initTf made current, or null before the first call. */
export function currentTfBackend(): TfBackendName | null {
  return current;
}

function requestFromEnv(): TfBackendRequest {
  const v = process.env.YOTO_TF_BACKEND;
  if (v === undefined || v === '') return 'auto';
  if (!(requests as readonly string[]).includes(v)) {
    throw new YotoError(`unknown backend '${v}', expected one of ${requests.join(', ')}`, 'YOTO_TF_BACKEND');
  }
  return v as TfBackendRequest;
}

function hint(name: TfBackendName): string {
  if (name === 'tfjs-node-gpu' || name === 'tfjs-node') {
    return `install @tensorflow/${name}; its install downloads libtensorflow, which needs the internet`;
  }
  return 'its package failed to initialise';
}

/** tfjs registers native and wasm backends under these names. */
function engineName(name: TfBackendName): string {
  return name === 'tfjs-node-gpu' || name === 'tfjs-node' ? 'tensorflow' : name;
}

async function activate(name: TfBackendName): Promise<void> {
  if (current === name && tf.getBackend() === engineName(name)) return;
  if (!(await tf.setBackend(engineName(name)))) {
    throw new Error(`initTf: backend ${name} was prepared but tf.setBackend refused it`);
  }
  await tf.ready();
  current = name;
  quietCpuBackend();
}

/**
 * The cpu backend (current, or used by wasm fallbacks and tests) prints a banner recommending
 * tfjs-node on its first tensor; yoto prints nothing unasked, so mark it as already used.
 */
function quietCpuBackend(): void {
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu && typeof cpu.firstUse === 'boolean') cpu.firstUse = false;
}

function prepare(name: TfBackendName): Promise<boolean> {
  let p = attempts.get(name);
  if (!p) {
    p = tryPrepare(name).catch(() => false);
    attempts.set(name, p);
  }
  return p;
}

async function tryPrepare(name: TfBackendName): Promise<boolean> {
  switch (name) {
    case 'tfjs-node-gpu':
    case 'tfjs-node':
      return prepareNative(name);
    case 'wasm':
      return prepareWasm();
    case 'cpu':
      return (await tf.setBackend('cpu')) || false;
  }
}

/**
 * A native package may be absent, or present without its libtensorflow binding (its install
 * failed half-way); either way the import throws and we move on. It also has to register into
 * this process's tfjs-core: a nested copy of tfjs-core would give a backend our `tf` cannot see.
 */
async function prepareNative(name: 'tfjs-node-gpu' | 'tfjs-node'): Promise<boolean> {
  const other = name === 'tfjs-node' ? 'tfjs-node-gpu' : 'tfjs-node';
  // Both register 'tensorflow'; once one loaded, the other cannot be told apart.
  if (attempts.has(other) && (await attempts.get(other)) === true) return false;
  return loadNative(name, (pkg) => import(pkg));
}

/** Exported for tests, which pass loaders that fail the ways a real install can. */
export async function loadNative(name: 'tfjs-node-gpu' | 'tfjs-node', load: (pkg: string) => Promise<unknown>): Promise<boolean> {
  try {
    await load(`@tensorflow/${name}`);
  } catch {
    return false;
  }
  if (!tf.findBackendFactory('tensorflow')) return false;
  // The gpu build falls back to the CPU when no CUDA device is visible: still native, still
  // faster than wasm, so it is kept.
  if (await tf.setBackend('tensorflow')) return true;
  tf.removeBackend('tensorflow'); // its binding failed to start: never try it again
  return false;
}

async function prepareWasm(): Promise<boolean> {
  if (!wasmPathsSet) {
    // Load the .wasm binaries from node_modules (file paths, offline), not from a CDN.
    const require = createRequire(import.meta.url);
    const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    setWasmPaths(dist + '/');
    wasmPathsSet = true;
  }
  if (!(await tf.setBackend('wasm'))) return false;
  registerWasmKernels();
  return true;
}
