/**
 * A batch-1 forward pass of a BiDP LayersModel in plain TypeScript over Float32Arrays: no tf ops
 * at call time. At batch 1 tfjs-layers' per-layer and per-op overhead costs far more than the
 * arithmetic (tens of ms for ~10 M multiply-adds per denoise), so this reads the model's own graph
 * (toJSON inbound nodes) and weights once and runs plain loops. It is generic over the topology,
 * so it runs dense and HESSO-compressed models alike; it supports exactly the layer classes
 * buildBidpModel uses (LAYER_BUILDERS: one small builder per class, turning a layer into ops) and
 * throws naming the layer for anything else.
 *
 * The inputs come in three tiers, and every value is computed only as often as what it depends
 * on changes:
 *   static  (the observation: points, proprio)  → prepare(), once per observation
 *   step    (the diffusion step: temb)          → prepareSteps(), once per timestep list; the
 *            values that also depend on the observation are computed at the first runStep(k)
 *            after a prepare()
 *   dynamic (the noisy action)                  → runStep(k) / run(), every DDIM step
 * A linear map (FiLM's projection, a rank-2 Dense) of a Concatenate whose parts come from
 * different tiers is split into one partial product per tier, so FiLM's cond·kernel costs one
 * add per step instead of a D×2C product: the temb part is cached per timestep, the
 * observation part per observation.
 *
 *   const ff = new FastForward(model);
 *   ff.prepareSteps(timesteps.map((t) => ({ temb: timestepEmbedding([t], E) })));
 *   ff.prepare({ points, proprio });
 *   for (k …) eps = ff.runStep(k, { noisy: x });
 */
import type { tf } from '../tf/index.ts';

export interface FastForwardTiers {
  staticInputs: readonly string[];
  stepInputs: readonly string[];
  dynamicInputs: readonly string[];
}

/** BiDP's inputs (policy/model.ts INPUT_NAMES) by tier. */
export const BIDP_TIERS: FastForwardTiers = { staticInputs: ['points', 'proprio'], stepInputs: ['temb'], dynamicInputs: ['noisy'] };

export type Feeds = Readonly<Record<string, ArrayLike<number>>>;

/** Tiers as bit sets of what a value depends on. */
const STATIC = 1;
const STEP = 2;
const DYNAMIC = 4;

type Activation = 'linear' | 'relu' | 'mish';

/** One operation of the plan: reads its inputs' buffers, writes its own. */
interface Op {
  /** Layer name (for errors and debugging); split ops get a suffix. */
  name: string;
  deps: number;
  /** 2: [C] (rows 1), 3: [rows, C] per point. */
  rank: 2 | 3;
  rows: number;
  cols: number;
  inputs: number[];
  /** The model input this op holds. */
  feed?: string;
  /** A last-axis Concatenate (linear maps of it split by tier). */
  concat?: boolean;
  kernel?: (ins: Float32Array[], out: Float32Array) => void;
}

interface LayerJson {
  class_name: string;
  config: Record<string, unknown> & { name: string };
  inbound_nodes: [string, number, number, unknown][][];
}

/** mish(x) = x·tanh(softplus(x)) = x·n(n+2)/(n(n+2)+2) with n = eˣ: no log, no overflow below the cut. */
function mish(x: number): number {
  if (x > 20) return x;
  const n = Math.exp(x);
  const t = n * (n + 2);
  return (x * t) / (t + 2);
}

function activate(a: Activation, v: Float32Array, from: number, to: number): void {
  if (a === 'relu') for (let i = from; i < to; i++) v[i] = v[i] > 0 ? v[i] : 0;
  else if (a === 'mish') for (let i = from; i < to; i++) v[i] = mish(v[i]);
}

function activationOf(layer: string, value: unknown): Activation {
  const a = value ?? 'linear';
  if (a === 'linear' || a === 'relu' || a === 'mish') return a;
  throw new Error(`FastForward: layer '${layer}' has unsupported activation '${String(a)}' (linear, relu, mish)`);
}

/** W [n, m] row-major (tfjs' Dense layout) → [m, n]: each output's weights contiguous, for dot products. */
function transpose(w: Float32Array, n: number, m: number): Float32Array {
  const t = new Float32Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) t[j * n + i] = w[i * m + j];
  return t;
}

/**
 * out[r, j] = Σ_i x[r, i]·wt[j·ld + from + i] (i < len; + out[r, j] when `accumulate`), rows of x
 * `len` wide. Dot products over the transposed kernel with the sums in local variables (float64,
 * as exact as tf's float32) and tiles of 8 outputs (1 row) or 2 rows × 4 outputs: ~3× faster
 * in V8 than accumulating output rows in memory, whose every multiply-add loads and stores.
 */
function matmulT(x: Float32Array, rows: number, wt: Float32Array, ld: number, from: number, len: number, m: number, out: Float32Array, accumulate: boolean): void {
  let r = 0;
  for (; r + 2 <= rows; r += 2) {
    const x0 = r * len;
    const x1 = x0 + len;
    const o0 = r * m;
    const o1 = o0 + m;
    let j = 0;
    for (; j + 4 <= m; j += 4) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      const w0 = j * ld + from;
      const w1 = w0 + ld;
      const w2 = w1 + ld;
      const w3 = w2 + ld;
      for (let i = 0; i < len; i++) {
        const u = x[x0 + i];
        const v = x[x1 + i];
        const k0 = wt[w0 + i], k1 = wt[w1 + i], k2 = wt[w2 + i], k3 = wt[w3 + i];
        a0 += u * k0; a1 += u * k1; a2 += u * k2; a3 += u * k3;
        b0 += v * k0; b1 += v * k1; b2 += v * k2; b3 += v * k3;
      }
      if (accumulate) {
        a0 += out[o0 + j]; a1 += out[o0 + j + 1]; a2 += out[o0 + j + 2]; a3 += out[o0 + j + 3];
        b0 += out[o1 + j]; b1 += out[o1 + j + 1]; b2 += out[o1 + j + 2]; b3 += out[o1 + j + 3];
      }
      out[o0 + j] = a0; out[o0 + j + 1] = a1; out[o0 + j + 2] = a2; out[o0 + j + 3] = a3;
      out[o1 + j] = b0; out[o1 + j + 1] = b1; out[o1 + j + 2] = b2; out[o1 + j + 3] = b3;
    }
    for (; j < m; j++) {
      let a = 0, b = 0;
      const w = j * ld + from;
      for (let i = 0; i < len; i++) {
        a += x[x0 + i] * wt[w + i];
        b += x[x1 + i] * wt[w + i];
      }
      out[o0 + j] = accumulate ? out[o0 + j] + a : a;
      out[o1 + j] = accumulate ? out[o1 + j] + b : b;
    }
  }
  for (; r < rows; r++) {
    const x0 = r * len;
    const o = r * m;
    let j = 0;
    for (; j + 8 <= m; j += 8) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
      const w0 = j * ld + from;
      for (let i = 0; i < len; i++) {
        const u = x[x0 + i];
        let w = w0 + i;
        s0 += u * wt[w]; w += ld; s1 += u * wt[w]; w += ld; s2 += u * wt[w]; w += ld; s3 += u * wt[w]; w += ld;
        s4 += u * wt[w]; w += ld; s5 += u * wt[w]; w += ld; s6 += u * wt[w]; w += ld; s7 += u * wt[w];
      }
      if (accumulate) {
        s0 += out[o + j]; s1 += out[o + j + 1]; s2 += out[o + j + 2]; s3 += out[o + j + 3];
        s4 += out[o + j + 4]; s5 += out[o + j + 5]; s6 += out[o + j + 6]; s7 += out[o + j + 7];
      }
      out[o + j] = s0; out[o + j + 1] = s1; out[o + j + 2] = s2; out[o + j + 3] = s3;
      out[o + j + 4] = s4; out[o + j + 5] = s5; out[o + j + 6] = s6; out[o + j + 7] = s7;
    }
    for (; j < m; j++) {
      let a = 0;
      const w = j * ld + from;
      for (let i = 0; i < len; i++) a += x[x0 + i] * wt[w + i];
      out[o + j] = accumulate ? out[o + j] + a : a;
    }
  }
}

/** The ops built so far, and the helpers layer builders share. */
class OpGraph {
  readonly ops: Op[] = [];

  add(op: Op): number {
    this.ops.push(op);
    return this.ops.length - 1;
  }

  depsOf(ins: readonly number[]): number {
    return ins.reduce((d, i) => d | this.ops[i].deps, 0);
  }

  /**
   * y = x·W[rows of x] + b for a rank-2 x; when x is a Concatenate of parts from different
   * tiers, one partial product per tier (the bias in the first) and a sum at the top.
   */
  linear(name: string, x: number, w: Float32Array, b: Float32Array | null, m: number): number {
    const src = this.ops[x];
    const n = src.cols;
    const wt = transpose(w, n, m);
    const parts: { op: number; row: number }[] = [];
    if (src.concat === true) {
      let row = 0;
      for (const p of src.inputs) {
        parts.push({ op: p, row });
        row += this.ops[p].cols;
      }
    }
    const tiersOfParts = [...new Set(parts.map((p) => this.ops[p.op].deps))];
    if (parts.length === 0 || tiersOfParts.length < 2) {
      return this.add({
        name,
        deps: src.deps,
        rank: 2,
        rows: 1,
        cols: m,
        inputs: [x],
        kernel: ([v], out) => {
          matmulT(v, 1, wt, n, 0, n, m, out, false);
          if (b) for (let j = 0; j < m; j++) out[j] += b[j];
        },
      });
    }
    const partials = tiersOfParts.map((deps, k) => {
      const mine = parts.filter((p) => this.ops[p.op].deps === deps);
      const cols = mine.map((p) => this.ops[p.op].cols);
      const bias = k === 0 ? b : null;
      return this.add({
        name: `${name}/part${k}`,
        deps,
        rank: 2,
        rows: 1,
        cols: m,
        inputs: mine.map((p) => p.op),
        kernel: (ins, out) => {
          mine.forEach((p, i) => matmulT(ins[i], 1, wt, n, p.row, cols[i], m, out, i > 0));
          if (bias) for (let j = 0; j < m; j++) out[j] += bias[j];
        },
      });
    });
    return this.add({
      name,
      deps: this.depsOf(partials),
      rank: 2,
      rows: 1,
      cols: m,
      inputs: partials,
      kernel: (ins, out) => {
        out.set(ins[0]);
        for (let i = 1; i < ins.length; i++) for (let j = 0; j < m; j++) out[j] += ins[i][j];
      },
    });
  }
}

/** What a layer builder gets: the layer, its inputs, its weights and the graph to add ops to. */
interface LayerContext {
  name: string;
  config: LayerJson['config'];
  /** The input ops' indices and the ops; `x` is the first. */
  inputs: number[];
  ins: Op[];
  x: Op;
  weights: Float32Array[];
  /** The tiers the layer depends on (its inputs', together). */
  deps: number;
  graph: OpGraph;
}

/** Adds a layer's ops to the graph and returns the op that holds its output. */
type LayerBuilder = (c: LayerContext) => number;

/** One builder per supported layer class (besides InputLayer, which the constructor reads). */
const LAYER_BUILDERS: Readonly<Record<string, LayerBuilder>> = {
  Dense: ({ name, config, inputs, x, weights, deps, graph }) => {
    const act = activationOf(name, config.activation);
    const [w, b = null] = weights;
    const m = config.units as number;
    if (w.length !== x.cols * m) throw new Error(`FastForward: layer '${name}' kernel has ${w.length} values, expected ${x.cols}×${m}`);
    if (x.rank === 2) {
      const lin = graph.linear(act === 'linear' ? name : `${name}/linear`, inputs[0], w, b, m);
      if (act === 'linear') return lin;
      return graph.add({ name, deps, rank: 2, rows: 1, cols: m, inputs: [lin], kernel: ([v], out) => {
        out.set(v);
        activate(act, out, 0, m);
      } });
    }
    const wt = transpose(w, x.cols, m);
    return graph.add({ name, deps, rank: 3, rows: x.rows, cols: m, inputs, kernel: ([v], out) => {
      matmulT(v, x.rows, wt, x.cols, 0, x.cols, m, out, false);
      if (b) for (let r = 0, o = 0; r < x.rows; r++) for (let j = 0; j < m; j++, o++) out[o] += b[j];
      activate(act, out, 0, out.length);
    } });
  },

  GlobalMaxPooling1D: ({ name, inputs, x, deps, graph }) => {
    if (x.rank !== 3) throw new Error(`FastForward: layer '${name}' needs a [batch, N, C] input`);
    const c = x.cols;
    return graph.add({ name, deps, rank: 2, rows: 1, cols: c, inputs, kernel: ([v], out) => {
      out.set(v.subarray(0, c));
      for (let r = 1; r < x.rows; r++) for (let j = 0, o = r * c; j < c; j++, o++) if (v[o] > out[j]) out[j] = v[o];
    } });
  },

  Concatenate: ({ name, config, inputs, ins, x, deps, graph }) => {
    const axis = (config.axis as number | undefined) ?? -1;
    if (axis !== -1 && axis !== x.rank - 1) throw new Error(`FastForward: layer '${name}' concatenates on axis ${axis}; only the last axis is supported`);
    if (ins.some((i) => i.rank !== x.rank || i.rows !== x.rows)) throw new Error(`FastForward: layer '${name}' concatenates inputs of different shapes`);
    const cols = ins.reduce((s, i) => s + i.cols, 0);
    return graph.add({ name, deps, rank: x.rank, rows: x.rows, cols, concat: true, inputs, kernel: (vs, out) => {
      let o = 0;
      for (let r = 0; r < x.rows; r++) {
        for (let k = 0; k < vs.length; k++) {
          const c = ins[k].cols;
          out.set(vs[k].subarray(r * c, (r + 1) * c), o);
          o += c;
        }
      }
    } });
  },

  Activation: ({ name, config, inputs, x, deps, graph }) => {
    const act = activationOf(name, config.activation);
    return graph.add({ name, deps, rank: x.rank, rows: x.rows, cols: x.cols, inputs, kernel: ([v], out) => {
      out.set(v);
      activate(act, out, 0, out.length);
    } });
  },

  Add: ({ name, inputs, ins, x, deps, graph }) => {
    if (ins.some((i) => i.rank !== x.rank || i.rows !== x.rows || i.cols !== x.cols)) throw new Error(`FastForward: layer '${name}' adds inputs of different shapes`);
    return graph.add({ name, deps, rank: x.rank, rows: x.rows, cols: x.cols, inputs, kernel: (vs, out) => {
      out.set(vs[0]);
      for (let k = 1; k < vs.length; k++) {
        const v = vs[k];
        for (let j = 0; j < out.length; j++) out[j] += v[j];
      }
    } });
  },

  // As tf/layers/group-norm.ts: each group of consecutive channels normalized over its channels
  // and all positions (population variance), then per-channel γ, β.
  GroupNormalization: ({ name, config, inputs, x, weights, deps, graph }) => {
    const groups = config.groups as number;
    const eps = (config.epsilon as number | undefined) ?? 1e-5;
    const c = x.cols;
    const [gamma, beta] = weights;
    if (c % groups !== 0) throw new Error(`FastForward: layer '${name}': ${c} channels do not split into ${groups} groups`);
    if (gamma?.length !== c || beta?.length !== c) throw new Error(`FastForward: layer '${name}' needs gamma and beta of ${c} values`);
    const size = c / groups;
    const count = size * x.rows;
    return graph.add({ name, deps, rank: x.rank, rows: x.rows, cols: c, inputs, kernel: ([v], out) => {
      for (let g = 0; g < groups; g++) {
        const c0 = g * size;
        let sum = 0;
        for (let r = 0; r < x.rows; r++) for (let j = r * c + c0, e = j + size; j < e; j++) sum += v[j];
        const mean = sum / count;
        let sq = 0;
        for (let r = 0; r < x.rows; r++) for (let j = r * c + c0, e = j + size; j < e; j++) sq += (v[j] - mean) * (v[j] - mean);
        const inv = 1 / Math.sqrt(sq / count + eps);
        for (let r = 0; r < x.rows; r++) for (let k = c0, j = r * c + c0; k < c0 + size; k++, j++) out[j] = (v[j] - mean) * inv * gamma[k] + beta[k];
      }
    } });
  },

  // x·(1 + scale) + shift, [scale, shift] = cond·kernel + bias (tf/layers/film.ts).
  FiLM: ({ name, inputs, ins, x, weights, graph }) => {
    const cond = ins[1];
    const c = x.cols;
    const [w, b] = weights;
    if (cond.rank !== 2 || w.length !== cond.cols * 2 * c) throw new Error(`FastForward: layer '${name}' kernel has ${w.length} values, expected ${cond.cols}×${2 * c} with a [batch, D] cond`);
    const p = graph.linear(`${name}/params`, inputs[1], w, b, 2 * c);
    return graph.add({ name, deps: graph.depsOf([inputs[0], p]), rank: x.rank, rows: x.rows, cols: c, inputs: [inputs[0], p], kernel: ([v, ss], out) => {
      for (let r = 0, o = 0; r < x.rows; r++) for (let j = 0; j < c; j++, o++) out[o] = v[o] * (1 + ss[j]) + ss[c + j];
    } });
  },
};

/** The op holding a model input, in its tier. */
function inputOp(graph: OpGraph, l: LayerJson, tiers: FastForwardTiers): number {
  const name = l.config.name;
  const shape = l.config.batch_input_shape as (number | null)[];
  const tier = tiers.staticInputs.includes(name) ? STATIC : tiers.stepInputs.includes(name) ? STEP : tiers.dynamicInputs.includes(name) ? DYNAMIC : 0;
  if (tier === 0) throw new Error(`FastForward: input '${name}' is in no tier (static ${tiers.staticInputs.join(', ')}; step ${tiers.stepInputs.join(', ')}; dynamic ${tiers.dynamicInputs.join(', ')})`);
  if ((shape.length !== 2 && shape.length !== 3) || shape.slice(1).some((d) => d === null)) throw new Error(`FastForward: input '${name}' has shape [${shape.join(', ')}]; only fixed [batch, C] or [batch, N, C] is supported`);
  return graph.add({ name, deps: tier, rank: shape.length as 2 | 3, rows: shape.length === 3 ? (shape[1] as number) : 1, cols: shape[shape.length - 1] as number, inputs: [], feed: name });
}

export class FastForward {
  private readonly ops: Op[];
  private readonly output: number;
  /** Op indices to run, in order, per tier. */
  private readonly staticOrder: number[] = [];
  private readonly stepOrder: number[] = [];
  private readonly mixedOrder: number[] = [];
  private readonly dynamicOrder: number[] = [];
  /** The buffer each op currently reads and writes (per-step ops point into one step's set). */
  private readonly cur: Float32Array[] = [];
  /** Per prepared step, the buffers of the step-dependent ops (indexed by op). */
  private steps: Float32Array[][] = [];
  /** Per prepared step, the observation it was last completed for (mixed ops). */
  private stepObservation: number[] = [];
  /** Buffers of the step-dependent ops for run() with its own step inputs. */
  private readonly scratch: Float32Array[];
  /** The step inputs and the ops that depend on them: their buffers are per step. */
  private readonly stepBound: number[] = [];
  private readonly inputOps = new Map<string, number>();
  private observation = 0;

  constructor(model: tf.LayersModel, readonly tiers: FastForwardTiers = BIDP_TIERS) {
    const json = model.toJSON(null, false) as unknown as { config: { layers: LayerJson[]; output_layers: [string, number, number][] } };
    const graph = new OpGraph();
    this.ops = graph.ops;
    const byName = new Map<string, number>();
    for (const l of json.config.layers) {
      const name = l.config.name;
      const cls = l.class_name;
      if (cls === 'InputLayer') {
        byName.set(name, inputOp(graph, l, tiers));
        continue;
      }
      if (l.inbound_nodes.length !== 1) throw new Error(`FastForward: layer '${name}' is applied ${l.inbound_nodes.length} times; only once is supported`);
      const inputs = l.inbound_nodes[0].map(([src, , tensorIndex]) => {
        const i = byName.get(src);
        if (i === undefined || tensorIndex !== 0) throw new Error(`FastForward: layer '${name}' reads '${src}' before it is computed`);
        return i;
      });
      const build = Object.hasOwn(LAYER_BUILDERS, cls) ? LAYER_BUILDERS[cls] : undefined;
      if (!build) throw new Error(`FastForward: layer '${name}' has unsupported class '${cls}' (supported: InputLayer, ${Object.keys(LAYER_BUILDERS).join(', ')})`);
      const layer = model.getLayer(name);
      const ins = inputs.map((i) => this.ops[i]);
      const weights = layer.getWeights().map((t) => t.dataSync() as Float32Array);
      const op = build({ name, config: l.config, inputs, ins, x: ins[0], weights, deps: graph.depsOf(inputs), graph });
      const shape = layer.outputShape as (number | null)[];
      const o = this.ops[op];
      if (shape.length !== o.rank || shape[shape.length - 1] !== o.cols || (o.rank === 3 ? shape[1] : 1) !== o.rows) throw new Error(`FastForward: layer '${name}' output [${shape.join(', ')}] is not [${o.rows}, ${o.cols}]`);
      byName.set(name, op);
    }
    const outputs = json.config.output_layers;
    if (outputs.length !== 1) throw new Error(`FastForward: the model has ${outputs.length} outputs; only one is supported`);
    this.output = byName.get(outputs[0][0])!;

    // Only what the output needs, in graph order, by tier.
    const needed = new Set<number>();
    const mark = (i: number) => {
      if (needed.has(i)) return;
      needed.add(i);
      for (const j of this.ops[i].inputs) mark(j);
    };
    mark(this.output);
    this.ops.forEach((op, i) => {
      this.cur.push(new Float32Array(op.rows * op.cols));
      if (op.feed !== undefined) {
        this.inputOps.set(op.feed, i);
        if (op.deps === STEP) this.stepBound.push(i);
        return;
      }
      if (!needed.has(i)) return;
      if (op.deps & DYNAMIC) this.dynamicOrder.push(i);
      else if (op.deps === STEP) this.stepOrder.push(i);
      else if (op.deps & STEP) this.mixedOrder.push(i);
      else this.staticOrder.push(i);
    });
    this.stepBound.push(...this.stepOrder, ...this.mixedOrder);
    this.scratch = this.stepBuffers();
  }

  /** A fresh set of buffers for the step-dependent ops (sparse: indexed by op). */
  private stepBuffers(): Float32Array[] {
    const b: Float32Array[] = [];
    for (const i of this.stepBound) b[i] = new Float32Array(this.cur[i].length);
    return b;
  }

  /** Point the step-dependent ops (and the step inputs) at one set of buffers. */
  private bind(buffers: Float32Array[]): void {
    for (const i of this.stepBound) this.cur[i] = buffers[i];
  }

  private exec(order: readonly number[]): void {
    for (const i of order) {
      const op = this.ops[i];
      op.kernel!(op.inputs.map((j) => this.cur[j]), this.cur[i]);
    }
  }

  private feed(names: readonly string[], feeds: Feeds): void {
    for (const name of names) {
      const i = this.inputOps.get(name);
      if (i === undefined) continue; // an input the model does not have
      const v = feeds[name];
      const n = this.cur[i].length;
      if (v === undefined) throw new Error(`FastForward: no value for input '${name}'`);
      if (v.length !== n) throw new Error(`FastForward: input '${name}' has ${v.length} values, expected ${n}`);
      this.cur[i].set(v);
    }
  }

  private needObservation(what: string): void {
    if (this.observation === 0 && this.tiers.staticInputs.some((n) => this.inputOps.has(n))) throw new Error(`FastForward: prepare() the observation before ${what}()`);
  }

  /** Computes everything that depends only on the static inputs (the observation). */
  prepare(feeds: Feeds): void {
    this.feed(this.tiers.staticInputs, feeds);
    this.exec(this.staticOrder);
    this.observation++;
  }

  /**
   * Computes and keeps, for each entry (one DDIM timestep's step inputs), everything that
   * depends only on the step inputs; runStep(k) then uses entry k. Independent of prepare():
   * call it once for a fixed timestep list.
   */
  prepareSteps(steps: readonly Feeds[]): void {
    try {
      this.steps = steps.map((feeds) => {
        const buffers = this.stepBuffers();
        this.bind(buffers);
        this.feed(this.tiers.stepInputs, feeds);
        this.exec(this.stepOrder);
        return buffers;
      });
      this.stepObservation = steps.map(() => -1);
    } finally {
      this.bind(this.scratch);
    }
  }

  get preparedSteps(): number {
    return this.steps.length;
  }

  /** The output for prepared step k, the prepared observation and these dynamic inputs (a fresh array). */
  runStep(k: number, feeds: Feeds): Float32Array {
    this.needObservation('runStep');
    const buffers = this.steps[k];
    if (buffers === undefined) throw new Error(`FastForward: step ${k} was not prepared (${this.steps.length} steps)`);
    this.bind(buffers);
    try {
      if (this.stepObservation[k] !== this.observation) {
        this.exec(this.mixedOrder);
        this.stepObservation[k] = this.observation;
      }
      this.feed(this.tiers.dynamicInputs, feeds);
      this.exec(this.dynamicOrder);
      return this.cur[this.output].slice();
    } finally {
      this.bind(this.scratch);
    }
  }

  /** The output for these step and dynamic inputs and the prepared observation, nothing cached (a fresh array). */
  run(feeds: Feeds): Float32Array {
    this.needObservation('run');
    this.feed(this.tiers.stepInputs, feeds);
    this.exec(this.stepOrder);
    this.exec(this.mixedOrder);
    this.feed(this.tiers.dynamicInputs, feeds);
    this.exec(this.dynamicOrder);
    return this.cur[this.output].slice();
  }
}
