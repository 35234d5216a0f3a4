/**
 * Subnet construction: a new LayersModel without the removed groups. Widths change in the
 * config (model.toJSON → edit → tf.models.modelFromJSON, since setWeights refuses other
 * shapes), then every weight is copied with the removed slices cut out: producers' output
 * slices, consumers' input slices, norm parameters, concat offsets and flatten blocks alike.
 */
import { tf } from '../tf/index.ts';
import { countModel, type ModelCount } from './count.ts';
import type { DependencyGraph, Zig } from './dependency-graph.ts';
import { modelToJson, type LayerJson } from './model-json.ts';
import { cutAlongAxes, cutShape, groupSlices } from './slices.ts';

export interface SubnetReport {
  groups: number;
  prunableGroups: number;
  removedGroups: number;
  /** Removed groups / prunable groups. */
  groupSparsity: number;
  /** Parameter count the removed slices predict for the subnet. */
  predictedParams: number;
  before: ModelCount;
  after: ModelCount;
}

/**
 * Bias corrections for Dense layers whose removed input rows carried a constant:
 * bias += Σ value · kernel[row, :]. Keyed by `layer|biasIndex`.
 */
function foldShifts(model: tf.LayersModel, removed: readonly Zig[]): Map<string, tf.Tensor> {
  const rows = new Map<string, { kernel: number; rows: number[]; values: number[] }>();
  for (const z of removed) {
    for (const { slice, value } of z.folds) {
      const e = rows.get(slice.layer) ?? { kernel: slice.weight, rows: [], values: [] };
      e.rows.push(slice.index);
      e.values.push(value);
      rows.set(slice.layer, e);
    }
  }
  const out = new Map<string, tf.Tensor>();
  for (const [name, e] of rows) {
    const layer = model.getLayer(name);
    const b = layer.weights.findIndex((w) => w.originalName.split('/').pop() === 'bias');
    const shift = tf.tidy(() => {
      const k = tf.gather(layer.weights[e.kernel].read(), tf.tensor1d(e.rows, 'int32'), 0);
      return tf.sum(tf.mul(k, tf.tensor2d(e.values, [e.values.length, 1])), 0);
    });
    out.set(`${name}|${b}`, shift);
  }
  return out;
}

export async function buildSubnet(
  model: tf.LayersModel,
  graph: DependencyGraph,
  removed: readonly Zig[],
): Promise<{ model: tf.LayersModel; report: SubnetReport }> {
  const cut = groupSlices(removed, true);
  const removedChannels = new Map<string, number>();
  for (const z of removed) for (const c of z.channels) removedChannels.set(c.tensor, (removedChannels.get(c.tensor) ?? 0) + 1);

  // New widths go into the configs of the layers whose config fixes them.
  const json = modelToJson(model);
  const byName = new Map(json.config.layers.map((l) => [l.config.name, l]));
  const resized = new Set<string>();
  for (const node of graph.nodes) {
    const out = node.outputs[0];
    const gone = out === undefined ? 0 : (removedChannels.get(out) ?? 0);
    if (gone === 0 || !node.rule?.resize || resized.has(node.layer.name)) continue;
    const entry = byName.get(node.layer.name);
    if (!entry) throw new Error(`compress: layer '${node.layer.name}' missing from model.toJSON()`);
    const old = graph.tensors.get(out)!.channels;
    entry.config = { ...node.rule.resize(entry.config, old - gone, old), name: entry.config.name } as LayerJson['config'];
    resized.add(node.layer.name);
  }
  const sub = await tf.models.modelFromJSON(json as unknown as Parameters<typeof tf.models.modelFromJSON>[0]);

  // Predicted parameter count: every weight minus its removed slices.
  let predictedParams = 0;
  for (const layer of model.layers) {
    layer.weights.forEach((w, i) => {
      predictedParams += cutShape(w.shape as number[], cut.get(layer.name)?.get(i)).reduce((a, d) => a * d, 1);
    });
  }

  const biasShift = foldShifts(model, removed);
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const target = sub.getLayer(layer.name);
    const values = layer.weights.map((w, i) => {
      const removedAxes = cut.get(layer.name)?.get(i);
      const shift = biasShift.get(`${layer.name}|${i}`);
      const source = shift ? tf.add(w.read(), shift) : w.read();
      const out = removedAxes ? cutAlongAxes(source, removedAxes) : source;
      if (shift) {
        if (out !== source) source.dispose();
        shift.dispose();
      }
      return out;
    });
    values.forEach((v, i) => {
      const want = target.weights[i]?.shape;
      if (!want || want.join(',') !== v.shape.join(',')) {
        throw new Error(
          `compress: subnet weight ${layer.name}[${i}] has shape [${want?.join(',')}], cut slices give [${v.shape.join(',')}]`,
        );
      }
    });
    target.setWeights(values);
    values.forEach((v, i) => {
      if (v !== layer.weights[i].read()) v.dispose();
    });
  }

  const prunable = graph.zigs.filter((z) => z.prunable).length;
  return {
    model: sub,
    report: {
      groups: graph.zigs.length,
      prunableGroups: prunable,
      removedGroups: removed.length,
      groupSparsity: prunable === 0 ? 0 : removed.length / prunable,
      predictedParams,
      before: countModel(model, graph),
      after: countModel(sub),
    },
  };
}
