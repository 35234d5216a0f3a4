/**
 * The user's whole burden, as in Only-Train-Once: build the groups from the model, train with
 * the optimizer, construct the subnet.
 *
 *   const oto = new OTO(model);
 *   const opt = oto.hesso({ lr: 1e-3, targetGroupSparsity: 0.5, totalSteps: 2000 });
 *   for (...) opt.minimize(() => loss(model, batch));
 *   const { model: small, report } = await oto.constructSubnet();
 *
 * Sanity check anyone can run: `oto.randomZeroGroups(0.5, seed)` then `constructSubnet()`;
 * the subnet's outputs equal the group-sparse model's.
 */
import type { tf } from '../tf/index.ts';
import { Rng } from '../core/rng.ts';
import { YotoError } from '../core/errors.ts';
import { countModel, type ModelCount } from './count.ts';
import { buildDependencyGraph, type DependencyGraph, type Zig } from './dependency-graph.ts';
import { groupDots, groupSizes, type WeightValues } from './group-stats.ts';
import { Hesso, type HessoOptions } from './hesso.ts';
import { ChannelBudget, pickLowest } from './selection.ts';
import { groupSlices, zeroSlicesInPlace } from './slices.ts';
import { buildSubnet, type SubnetReport } from './subnet.ts';

export class OTO {
  readonly graph: DependencyGraph;

  constructor(readonly model: tf.LayersModel) {
    this.graph = buildDependencyGraph(model);
  }

  /** Every zero-invariant group, prunable or not (see `reason`). */
  get groups(): Zig[] {
    return this.graph.zigs;
  }

  get prunableGroups(): Zig[] {
    return this.graph.zigs.filter((z) => z.prunable);
  }

  /** Layers that could not be traced, one line each, naming the layer. */
  get warnings(): string[] {
    return this.graph.warnings;
  }

  /** HESSO (or CRIC, with identification: 'cric') over this model's groups. */
  hesso(opts: HessoOptions): Hesso {
    return new Hesso(this.model, this.graph, opts);
  }

  /** Sets the owned parameters of these groups to exactly zero, in place. */
  zeroGroups(zigs: readonly Zig[]): void {
    zeroSlicesInPlace(this.model, groupSlices(zigs, false));
  }

  /** Zeroes the groups with these ids (e.g. Hesso.prunedGroupIds() from a twin model). */
  zeroGroupsById(ids: readonly number[]): void {
    const byId = new Map(this.graph.zigs.map((z) => [z.id, z]));
    this.zeroGroups(
      ids.map((id) => {
        const z = byId.get(id);
        if (!z || !z.prunable) throw new YotoError(`group ${id} is not a prunable group of this model`, 'zeroGroupsById');
        return z;
      }),
    );
  }

  /**
   * Sets a random `fraction` of the prunable groups to zero in place (OTO's sanity check),
   * never emptying a tensor. Returns the zeroed groups.
   */
  randomZeroGroups(fraction: number, seed = 0): Zig[] {
    const rng = new Rng(seed);
    const pool = this.prunableGroups;
    for (let i = pool.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    const want = Math.round(fraction * pool.length);
    const budget = new ChannelBudget(this.graph.tensors);
    const chosen: Zig[] = [];
    for (const z of pool) {
      if (chosen.length >= want) break;
      if (!budget.canTake(z)) continue;
      budget.take(z);
      chosen.push(z);
    }
    this.zeroGroups(chosen);
    return chosen;
  }

  /**
   * One-shot baseline without data: zeroes the `fraction` of prunable groups with the lowest
   * weight magnitude, never emptying a tensor. Returns them. 'rms' (‖x_g‖/√|g|, default)
   * compares groups of different sizes fairly; 'magnitude' is ‖x_g‖, 'avg_magnitude' ‖x_g‖/|g|.
   */
  zeroLowestGroups(fraction: number, criterion: 'rms' | 'magnitude' | 'avg_magnitude' = 'rms'): Zig[] {
    const pool = this.prunableGroups;
    const values = this.weightValues();
    const slices = pool.map((z) => z.owned);
    const xx = groupDots(slices, values, values);
    const size = groupSizes(slices, (l, w) => values(l, w)?.shape);
    const score = Float64Array.from(xx, (v, i) => {
      const norm = Math.sqrt(v);
      if (criterion === 'magnitude') return norm;
      return criterion === 'rms' ? norm / Math.sqrt(Math.max(1, size[i])) : norm / Math.max(1, size[i]);
    });
    const picked = pickLowest(
      pool.map((_, i) => i),
      (i) => score[i],
      Math.round(fraction * pool.length),
      pool,
      new ChannelBudget(this.graph.tensors),
    ).map((i) => pool[i]);
    this.zeroGroups(picked);
    return picked;
  }

  /** Trainable weight values, read once per call site. */
  private weightValues(): WeightValues {
    const cache = new Map<string, { values: Float32Array; shape: number[] }>();
    return (l, w) => {
      const key = `${l}|${w}`;
      let e = cache.get(key);
      if (!e) {
        const lv = this.model.getLayer(l).weights[w];
        if (!lv.trainable) return undefined;
        const t = lv.read();
        e = { values: t.dataSync() as Float32Array, shape: t.shape };
        cache.set(key, e);
      }
      return e;
    };
  }

  /** Prunable groups whose owned trainable parameters are all exactly zero now. */
  zeroGroupsNow(): Zig[] {
    const pool = this.prunableGroups;
    const X = this.weightValues();
    const norms = groupDots(pool.map((z) => z.owned), X, X);
    return pool.filter((_, i) => norms[i] === 0);
  }

  /**
   * A new, serializable LayersModel without the zero groups (default: those exactly zero now),
   * weights copied, and a report of groups, parameters and MACs before/after.
   */
  async constructSubnet(opts: { groups?: readonly Zig[] } = {}): Promise<{ model: tf.LayersModel; report: SubnetReport }> {
    return buildSubnet(this.model, this.graph, opts.groups ?? this.zeroGroupsNow());
  }

  count(): ModelCount {
    return countModel(this.model, this.graph);
  }
}
