/**
 * Size and cost of a LayersModel: parameters and multiply-accumulates (MACs, at batch size 1)
 * per layer, and measured inference latency.
 */
import { tf } from '../tf/index.ts';
import { buildDependencyGraph, type DependencyGraph } from './dependency-graph.ts';

export interface LayerCount {
  layer: string;
  className: string;
  params: number;
  /** Multiply-accumulates per sample; 0 for layers without a MAC model (norms, activations). */
  macs: number;
}

export interface ModelCount {
  params: number;
  macs: number;
  layers: LayerCount[];
}

export function countModel(model: tf.LayersModel, graph: DependencyGraph = buildDependencyGraph(model)): ModelCount {
  const byLayer = new Map<string, LayerCount>();
  for (const node of graph.nodes) {
    const name = node.layer.name;
    let entry = byLayer.get(name);
    if (!entry) {
      const params = node.layer.weights.reduce((n, w) => n + w.shape.reduce<number>((a, d) => a * (d ?? 1), 1), 0);
      entry = { layer: name, className: node.className, params, macs: 0 };
      byLayer.set(name, entry);
    }
    const ins = node.inputs.map((k) => graph.tensors.get(k)!.shape);
    const outs = node.outputs.map((k) => graph.tensors.get(k)!.shape);
    entry.macs += node.rule?.macs?.(node.layer, ins, outs) ?? 0;
  }
  const layers = [...byLayer.values()];
  return {
    params: layers.reduce((n, l) => n + l.params, 0),
    macs: layers.reduce((n, l) => n + l.macs, 0),
    layers,
  };
}

export interface Latency {
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
  runs: number;
  batch: number;
}

/** Random inputs of the model's input shapes (unknown dims → 1; integer inputs → zeros). */
export function sampleInputs(model: tf.LayersModel, batch = 1, seed = 0): tf.Tensor[] {
  return model.inputs.map((inp, i) => {
    const shape = inp.shape.map((d, k) => (k === 0 ? batch : (d ?? 1)));
    return inp.dtype === 'int32' ? tf.zeros(shape, 'int32') : tf.randomNormal(shape, 0, 1, 'float32', seed + i);
  });
}

/** Wall-clock time of model.predict on one batch, after warm-up runs. */
export async function measureLatency(
  model: tf.LayersModel,
  opts: { runs?: number; warmup?: number; batch?: number } = {},
): Promise<Latency> {
  const runs = opts.runs ?? 20;
  const batch = opts.batch ?? 1;
  const xs = sampleInputs(model, batch);
  const once = async () => {
    const y = model.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor | tf.Tensor[];
    const ys = Array.isArray(y) ? y : [y];
    await Promise.all(ys.map((t) => t.data()));
    tf.dispose(ys);
  };
  for (let i = 0; i < (opts.warmup ?? 3); i++) await once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await once();
    times.push(performance.now() - t0);
  }
  tf.dispose(xs);
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return { p50Ms: q(0.5), p95Ms: q(0.95), meanMs: times.reduce((a, b) => a + b, 0) / runs, runs, batch };
}
