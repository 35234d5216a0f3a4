/**
 * The dependency graph of a LayersModel, down to single channels, and the zero-invariant
 * groups (ZIGs) it induces. Every channel of every tensor is a node; a layer's rule ties its
 * output channels to the input channels they carry; connected channels form one group. A group
 * is prunable when zeroing the parameter slices it owns makes every channel it feeds to a
 * consuming layer exactly zero, so the consumers' slices can go too without changing anything.
 */
import type { tf } from '../tf/index.ts';
import { builtinRules } from './builtin-rules.ts';
import './layer-rules.ts';
import { customChannelRule, type ChannelRule, type Layer, type RuleContext, type Shape, type ZeroRule } from './channel-rules.ts';

/** One slice of one weight: layer.weights[weight] at `index` along `axis`. */
export interface ParamSlice {
  layer: string;
  weight: number;
  axis: number;
  index: number;
}

export interface ZigChannel {
  tensor: string;
  channel: number;
}

/** A zero-invariant group. */
export interface Zig {
  id: number;
  prunable: boolean;
  /** Why the group cannot be pruned. */
  reason?: string;
  channels: ZigChannel[];
  /** Producers' output slices and norm parameters: zeroed to zero the group. */
  owned: ParamSlice[];
  /** Consumers' input slices: removed with the group, never need zeroing. */
  consumed: ParamSlice[];
  /** How many channels of each tensor the group holds. */
  tensorCounts: Record<string, number>;
  /**
   * Consumed Dense kernel rows whose input is a nonzero constant once the group is zero
   * (sigmoid(0) = 0.5...): the subnet adds value × row to the Dense bias before cutting.
   */
  folds: { slice: ParamSlice; value: number }[];
}

export interface TensorInfo {
  key: string;
  shape: Shape;
  channels: number;
}

/** One call of a layer, in topological order. */
export interface GraphNode {
  layer: Layer;
  className: string;
  rule: ChannelRule | undefined;
  inputs: string[];
  outputs: string[];
}

export interface DependencyGraph {
  zigs: Zig[];
  nodes: GraphNode[];
  tensors: Map<string, TensorInfo>;
  outputs: string[];
  /** Layers compress/ could not trace (their channels are left unpruned). */
  warnings: string[];
}

type SymbolicTensor = tf.SymbolicTensor;

const tensorKey = (t: SymbolicTensor) => `${t.sourceLayer.name}/${t.nodeIndex}/${t.tensorIndex}`;

export function ruleFor(className: string): ChannelRule | undefined {
  return customChannelRule(className) ?? builtinRules[className];
}

export function buildDependencyGraph(model: tf.LayersModel): DependencyGraph {
  // Topological order of the nodes that lead to the outputs.
  const order: { layer: Layer; nodeIndex: number }[] = [];
  const seen = new Set<string>();
  const visit = (t: SymbolicTensor) => {
    const layer = t.sourceLayer as Layer;
    const id = `${layer.name}#${t.nodeIndex}`;
    if (seen.has(id)) return;
    seen.add(id);
    const node = layer.inboundNodes[t.nodeIndex];
    for (const inp of node.inputTensors) visit(inp);
    order.push({ layer, nodeIndex: t.nodeIndex });
  };
  for (const o of model.outputs) visit(o);

  const parent: number[] = [];
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]];
      a = parent[a];
    }
    return a;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const chan: ZigChannel[] = [];
  const rules: (ZeroRule | undefined)[] = [];
  const srcs: number[][] = [];
  const blocked = new Map<number, string>();
  const owned = new Map<number, ParamSlice[]>();
  const consumed = new Map<number, ParamSlice[]>();
  const sliceHolder = new Map<string, number>();
  const tensors = new Map<string, TensorInfo>();
  const base = new Map<string, number>();
  const nodes: GraphNode[] = [];
  const warnings: string[] = [];

  const alloc = (t: SymbolicTensor): string => {
    const key = tensorKey(t);
    if (base.has(key)) return key;
    const shape = t.shape as Shape;
    const channels = shape.length >= 2 ? (shape[shape.length - 1] ?? 0) : 1;
    base.set(key, parent.length);
    tensors.set(key, { key, shape, channels });
    for (let c = 0; c < channels; c++) {
      parent.push(parent.length);
      chan.push({ tensor: key, channel: c });
      rules.push(undefined);
      srcs.push([]);
    }
    return key;
  };
  const idOf = (key: string, c: number) => {
    const info = tensors.get(key)!;
    if (c < 0 || c >= info.channels) throw new Error(`compress: channel ${c} out of range for ${key}`);
    return base.get(key)! + c;
  };
  const holdSlice = (map: Map<number, ParamSlice[]>, id: number, s: ParamSlice, tag: string) => {
    // A shared layer's slice belongs to every tensor it touches: tie them into one group.
    const k = `${tag}|${s.layer}|${s.weight}|${s.axis}|${s.index}`;
    const prev = sliceHolder.get(k);
    if (prev !== undefined) {
      union(prev, id);
      return;
    }
    sliceHolder.set(k, id);
    const list = map.get(id) ?? [];
    list.push(s);
    map.set(id, list);
  };

  for (const { layer, nodeIndex } of order) {
    const node = layer.inboundNodes[nodeIndex];
    const inKeys = node.inputTensors.map(alloc);
    const outKeys = node.outputTensors.map(alloc);
    const className = layer.getClassName();
    const rule = ruleFor(className);
    nodes.push({ layer, className, rule, inputs: inKeys, outputs: outKeys });
    const side = (s: 'input' | 'output', i: number) => (s === 'input' ? inKeys[i] : outKeys[i]);
    const ctx: RuleContext = {
      layer,
      className,
      config: layer.getConfig() as Record<string, unknown>,
      inputs: inKeys.map((k) => tensors.get(k)!),
      outputs: outKeys.map((k) => tensors.get(k)!),
      weight: (name) => layer.weights.findIndex((w) => w.originalName.split('/').pop() === name),
      tie: (i, ic, o, oc) => {
        const a = idOf(inKeys[i], ic);
        const b = idOf(outKeys[o], oc);
        union(a, b);
        srcs[b].push(a);
      },
      setZeroRule: (o, oc, r) => {
        rules[idOf(outKeys[o], oc)] = r;
      },
      own: (o, oc, w, axis, index) => {
        if (w < 0) throw new Error(`compress: ${className} '${layer.name}' owns a missing weight`);
        holdSlice(owned, idOf(outKeys[o], oc), { layer: layer.name, weight: w, axis, index }, 'own');
      },
      consume: (i, ic, w, axis, index) => {
        if (w < 0) throw new Error(`compress: ${className} '${layer.name}' consumes a missing weight`);
        holdSlice(consumed, idOf(inKeys[i], ic), { layer: layer.name, weight: w, axis, index }, 'use');
      },
      unit: (o, cs) => {
        for (let k = 1; k < cs.length; k++) union(idOf(outKeys[o], cs[0]), idOf(outKeys[o], cs[k]));
      },
      block: (s, i, reason) => {
        const key = side(s, i);
        const info = tensors.get(key)!;
        for (let c = 0; c < info.channels; c++) {
          const id = idOf(key, c);
          if (!blocked.has(id)) blocked.set(id, reason);
        }
      },
    };
    if (!rule) {
      const msg = `layer '${layer.name}' (${className}) is not supported by compress/: its channels are left unpruned`;
      if (!warnings.includes(msg)) warnings.push(msg);
      for (let i = 0; i < inKeys.length; i++) ctx.block('input', i, msg);
      for (let o = 0; o < outKeys.length; o++) ctx.block('output', o, msg);
      continue;
    }
    rule.analyse(ctx);
    // A frozen layer's slices are never zeroed by training, so its outputs cannot become zero.
    if (!layer.trainable && layer.weights.length > 0) {
      for (let o = 0; o < outKeys.length; o++) ctx.block('output', o, `layer '${layer.name}' is frozen (trainable: false)`);
    }
  }
  const outputs = model.outputs.map(tensorKey);
  for (const key of outputs) {
    const info = tensors.get(key)!;
    for (let c = 0; c < info.channels; c++) if (!blocked.has(idOf(key, c))) blocked.set(idOf(key, c), 'reaches a model output');
  }

  // Collect groups by root, in topological order of their first channel.
  const members = new Map<number, number[]>();
  for (let id = 0; id < parent.length; id++) {
    const r = find(id);
    const list = members.get(r) ?? [];
    list.push(id);
    members.set(r, list);
  }
  const zigs: Zig[] = [];
  for (const ids of members.values()) {
    const zig: Zig = {
      id: zigs.length,
      prunable: true,
      channels: ids.map((i) => chan[i]),
      owned: ids.flatMap((i) => owned.get(i) ?? []),
      consumed: ids.flatMap((i) => consumed.get(i) ?? []),
      tensorCounts: {},
      folds: [],
    };
    for (const c of zig.channels) zig.tensorCounts[c.tensor] = (zig.tensorCounts[c.tensor] ?? 0) + 1;
    zig.reason = whyNotPrunable(ids, zig, { blocked, rules, srcs, consumed, tensors, model });
    zig.prunable = zig.reason === undefined;
    if (zig.channels.length > 0) zigs.push(zig);
  }
  return { zigs, nodes, tensors, outputs, warnings };
}

interface Facts {
  blocked: Map<number, string>;
  rules: (ZeroRule | undefined)[];
  srcs: number[][];
  consumed: Map<number, ParamSlice[]>;
  tensors: Map<string, TensorInfo>;
  model: tf.LayersModel;
}

function whyNotPrunable(ids: number[], zig: Zig, f: Facts): string | undefined {
  for (const id of ids) {
    const r = f.blocked.get(id);
    if (r !== undefined) return r;
  }
  const trainable = zig.owned.filter((s) => f.model.getLayer(s.layer).weights[s.weight].trainable);
  if (trainable.length === 0) return 'owns no trainable parameters';
  for (const [key, n] of Object.entries(zig.tensorCounts)) {
    if (n >= (f.tensors.get(key)?.channels ?? 0)) return `holds every channel of ${key}`;
  }
  // Zero-invariance: propagate the values of the group's channels once its slices are zero.
  const state = new Map<number, number | null>();
  for (const id of ids) state.set(id, zeroValue(f.rules[id], f.srcs[id].map((s) => state.get(s) ?? null)));
  for (const id of ids) {
    const v = state.get(id) ?? null;
    if (v === 0) continue;
    for (const use of f.consumed.get(id) ?? []) {
      // A constant into a Dense folds into its bias; anything else would change the output.
      if (v !== null && Number.isFinite(v) && foldable(f.model, use)) zig.folds.push({ slice: use, value: v });
      else return `not zero-invariant: reaches layer '${use.layer}' as a ${v === null ? 'non-constant' : 'nonzero'} value`;
    }
  }
  return undefined;
}

function foldable(model: tf.LayersModel, s: ParamSlice): boolean {
  const layer = model.getLayer(s.layer);
  if (layer.getClassName() !== 'Dense') return false;
  const names = layer.weights.map((w) => w.originalName.split('/').pop());
  return names[s.weight] === 'kernel' && s.axis === 0 && names.includes('bias');
}

function zeroValue(rule: ZeroRule | undefined, s: (number | null)[]): number | null {
  if (!rule) return null;
  switch (rule.kind) {
    case 'fresh':
      return rule.value;
    case 'map':
      return s.length === 1 && s[0] !== null ? rule.f(s[0]) : null;
    case 'scaled':
      return s.length === 1 && s[0] === 0 ? 0 : null;
    case 'join': {
      if (rule.op === 'mul' && s.some((v) => v === 0)) return 0;
      if (rule.untied || s.length === 0 || s.some((v) => v === null)) return null;
      const v = s as number[];
      switch (rule.op) {
        case 'sum':
          return v.reduce((a, b) => a + b, 0);
        case 'sub':
          return v.length === 2 ? v[0] - v[1] : null;
        case 'mul':
          return v.reduce((a, b) => a * b, 1);
        case 'max':
          return Math.max(...v);
        case 'min':
          return Math.min(...v);
        case 'mean':
          return v.reduce((a, b) => a + b, 0) / v.length;
        case 'same':
          return v.every((x) => x === v[0]) ? v[0] : null;
      }
    }
  }
  return null;
}
