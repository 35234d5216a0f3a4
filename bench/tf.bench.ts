/**
 * tf/ speed: which backend initTf picks, matMul GFLOP/s plain vs transposed, and ms per
 * training step of a ~0.9 M-parameter MLP and a ~0.5 M-parameter Conv1D stack at batch 256 —
 * with yoto's wasm kernels and, where they can run at all, with tfjs's stock wasm kernels.
 * PyTorch 1.13 on this machine's CPU (2 threads, measured 2026-11-28, issue #7): 385 ms/step
 * for an 887k-parameter MLP, 138 ms/step for a 526k-parameter Conv1D+GroupNorm+Mish stack.
 */
import { cpus, loadavg } from 'node:os';
import { tf, initTf } from '../tf/index.ts';
import { withStockWasmKernels } from '../tf/wasm/kernels.ts';

const TORCH_MLP_MS = 385;
const TORCH_CONV_MS = 138;
const BATCH = 256;

function timeIt(f: () => void, reps: number): number {
  f(); // warm-up: kernel setup, XNNPACK operator caches, wasm heap growth
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) f();
  return (performance.now() - t0) / reps;
}

function matMulGflops(n: number, ta: boolean, tb: boolean): number {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  const ms = timeIt(() => tf.tidy(() => void tf.matMul(a, b, ta, tb).dataSync()), 4);
  tf.dispose([a, b]);
  return (2 * n ** 3) / ms / 1e6;
}

function mlp(): tf.LayersModel {
  // 100 → 620 → 620 → 620 → 100: 894,760 parameters.
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [100], units: 620, activation: 'relu' }),
      tf.layers.dense({ units: 620, activation: 'relu' }),
      tf.layers.dense({ units: 620, activation: 'relu' }),
      tf.layers.dense({ units: 100 }),
    ],
  });
}

function conv1dStack(): tf.LayersModel {
  // T=16, 32 channels in and out, Conv1D(k=5) + LayerNormalization + Mish blocks
  // (tf.layers has no GroupNorm): 475,232 parameters.
  const input = tf.input({ shape: [16, 32] });
  let h = input;
  for (const filters of [128, 256, 128, 128, 64]) {
    h = tf.layers.conv1d({ filters, kernelSize: 5, padding: 'same' }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.layerNormalization().apply(h) as tf.SymbolicTensor;
    h = tf.layers.activation({ activation: 'mish' }).apply(h) as tf.SymbolicTensor;
  }
  const out = tf.layers.conv1d({ filters: 32, kernelSize: 1 }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** ms per Adam step of a custom training loop (the way policy/ and compress/ train). */
function trainStepMs(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, reps: number): number {
  const opt = tf.train.adam(1e-3);
  const step = () =>
    tf.tidy(() => {
      const loss = opt.minimize(() => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar, true);
      loss?.dataSync();
    });
  const ms = timeIt(step, reps);
  opt.dispose();
  return ms;
}

async function stock<T>(f: () => T): Promise<T | string> {
  try {
    return await withStockWasmKernels(f);
  } catch (e) {
    return `cannot run (${(e as Error).message.split('\n')[0].slice(0, 80)})`;
  }
}

const fmt = (v: number | string, unit: string) => (typeof v === 'number' ? `${v.toFixed(1)} ${unit}` : v);

export default async function (): Promise<void> {
  const { backend } = await initTf();
  const load = loadavg()[0];
  console.log(`backend: ${backend}   (load average ${load.toFixed(1)} on ${cpus().length} cores${load > cpus().length ? ': other processes share the CPU, times are inflated' : ''})`);
  const wasm = backend === 'wasm';

  let plainGflops = 0;
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    const label = `matMul 512² ${ta ? 'Aᵀ' : 'A'}·${tb ? 'Bᵀ' : 'B'}`;
    const after = matMulGflops(512, ta, tb);
    if (!ta && !tb) plainGflops = after;
    const before = wasm ? await stock(() => matMulGflops(512, ta, tb)) : 'n/a';
    console.log(`${label.padEnd(22)} ${fmt(after, 'GFLOP/s').padStart(14)}   stock wasm: ${fmt(before, 'GFLOP/s')}`);
  }

  const x1 = tf.randomNormal([BATCH, 100]);
  const y1 = tf.randomNormal([BATCH, 100]);
  const m1 = mlp();
  const mlpMs = trainStepMs(m1, x1, y1, 5);
  const mlpStock = wasm ? await stock(() => trainStepMs(m1, x1, y1, 1)) : 'n/a';
  console.log(
    `MLP ${m1.countParams().toLocaleString('en')} params, batch ${BATCH}: ${fmt(mlpMs, 'ms/step')}` +
      `  (stock wasm: ${fmt(mlpStock, 'ms/step')}; PyTorch CPU ${TORCH_MLP_MS} ms → ratio ${(mlpMs / TORCH_MLP_MS).toFixed(2)})`,
  );
  tf.dispose([x1, y1]);
  m1.dispose();

  const x2 = tf.randomNormal([BATCH, 16, 32]);
  const y2 = tf.randomNormal([BATCH, 16, 32]);
  const m2 = conv1dStack();
  // What the convolutions alone cost at the plain-GEMM rate (forward + two backward products).
  const convFlops = 3 * 2 * BATCH * 16 * m2.layers.reduce((s, l) => {
    const k = l.getClassName() === 'Conv1D' ? l.getWeights()[0].shape : null;
    return k ? s + k[0] * k[1] * k[2] : s;
  }, 0);
  const convMs = trainStepMs(m2, x2, y2, 3);
  const convStock = wasm ? await stock(() => trainStepMs(m2, x2, y2, 1)) : 'n/a';
  console.log(
    `Conv1D stack ${m2.countParams().toLocaleString('en')} params, T=16, batch ${BATCH}: ${fmt(convMs, 'ms/step')}` +
      `  (stock wasm: ${fmt(convStock, 'ms/step')}; PyTorch CPU ${TORCH_CONV_MS} ms → ratio ${(convMs / TORCH_CONV_MS).toFixed(2)})`,
  );
  console.log(
    `  its convolutions are ${(convFlops / 1e9).toFixed(1)} GFLOP/step: ${((convFlops / plainGflops) / 1e6).toFixed(0)} ms at this machine's plain matMul rate (${plainGflops.toFixed(1)} GFLOP/s, one thread)`,
  );
  tf.dispose([x2, y2]);
  m2.dispose();
}
