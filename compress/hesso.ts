/**
 * HESSO (Hybrid Efficient Structured Sparse Optimizer, OTO family) for a custom training loop.
 * Every variable is trained by a base optimizer (SGD with momentum, Adam, AdamW). After a
 * warm-up, the target number of redundant groups is reached over P pruning periods: at the
 * start of each period the groups of lowest saliency join the redundant set, and during the
 * period their owned slices are scaled by (L−t−1)/(L−t) each step, a linear path to exactly
 * zero at the period's end; from then on they stay zero. The other groups train normally.
 *
 * CRIC (corrective redundant identification cycle), `identification: 'cric'`: before pruning,
 * candidate sets are actually projected to zero for a few steps and the weights restored;
 * sets whose removal raised the loss become more important, and groups that come up as
 * redundant during a trial are tried next, until the candidates stop changing. The final
 * redundant set comes from the accumulated saliency, then is projected to zero as above.
 *
 * Defaults never identify groups from the initial weights: pruning starts after a warm-up of
 * 10% of `totalSteps`, runs over the next 40% in 10 periods, and leaves 50% to recover.
 */
import { tf } from '../tf/index.ts';
import { YotoError } from '../core/errors.ts';
import type { DependencyGraph, ParamSlice, TensorInfo, Zig } from './dependency-graph.ts';
import { groupDots, groupSizes, type WeightValues } from './group-stats.ts';
import { defaultSaliencyWeights, saliency, type SaliencyWeights } from './saliency.ts';
import { ChannelBudget, pickLowest } from './selection.ts';
import { scaleAlongAxes } from './slices.ts';

export interface CricOptions {
  /** Steps each candidate set is projected before the weights are restored. Default 2% of totalSteps (≥ 2). */
  samplingSteps?: number;
  /** Most cycles before the identification is taken as final. Default 5. */
  maxCycles?: number;
  /** Stop when a cycle proposes at most this many new candidates. Default 0. */
  tolerance?: number;
  /** Weight of the loss increase a set caused, added to its groups' saliency. Default 1. */
  lossWeight?: number;
}

export interface HessoOptions {
  /** Base optimizer. Default 'adamw'. */
  variant?: 'sgd' | 'adam' | 'adamw';
  /** Learning rate, or a function of the step (0-based). */
  lr: number | ((step: number) => number);
  /** SGD momentum. Default 0.9. */
  momentum?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** L2 (sgd, adam) or decoupled (adamw) weight decay. Default 0 (sgd, adam), 0.01 (adamw). */
  weightDecay?: number;
  /** Fraction of prunable groups to bring to exactly zero, in [0, 1). */
  targetGroupSparsity: number;
  /** The training length; sets the defaults below. Needed unless startPruningStep and pruningSteps are given. */
  totalSteps?: number;
  /** Steps of plain training before the first identification. Default 10% of totalSteps (≥ 1). */
  startPruningStep?: number;
  /** Steps over which the groups are projected to zero. Default 40% of totalSteps. */
  pruningSteps?: number;
  /** Number of pruning periods P. Default min(10, pruningSteps). */
  pruningPeriods?: number;
  /** Mix of saliency criteria; default 0.2 each. */
  saliency?: SaliencyWeights;
  /** 'saliency' (HESSO) or 'cric'. Default 'saliency'. */
  identification?: 'saliency' | 'cric';
  cric?: CricOptions;
}

export type HessoPhase = 'warmup' | 'cric' | 'pruning' | 'finetune';

export interface HessoMetrics {
  step: number;
  phase: HessoPhase;
  prunableGroups: number;
  targetRedundantGroups: number;
  /** Groups committed to zero. */
  prunedGroups: number;
  /** Groups being projected to zero in the current period. */
  activeRedundantGroups: number;
  /** Prunable groups whose owned slices are exactly zero now. */
  zeroGroups: number;
  groupSparsity: number;
  cricCycles: number;
}

/**
 * Everything HESSO needs to resume exactly where it stopped, as plain JSON plus tensors (the
 * moments, and CRIC's weight snapshot mid-cycle). Save both with the model checkpoint.
 */
export interface HessoStateMeta {
  step: number;
  period: number;
  pruneStart: number | null;
  pruned: number[];
  active: number[];
  preselected: number[] | null;
  cric: {
    cycle: number;
    cycleStart: number;
    done: boolean;
    set: number[];
    history: number[];
    trial: number[];
    scoreSum: number[];
    scoreCount: number;
    penalty: number[];
    refLoss: number;
  } | null;
}

interface Var {
  name: string;
  layer: string;
  weight: number;
  v: tf.Variable;
  m?: tf.Variable;
  s?: tf.Variable;
}

export class Hesso {
  readonly prunable: Zig[];
  readonly targetRedundant: number;
  private readonly vars: Var[] = [];
  private readonly tensors: Map<string, TensorInfo>;
  private readonly byKey = new Map<string, Var>();
  private readonly slices: ParamSlice[][];
  private readonly sizes: Float64Array;
  private readonly variant: 'sgd' | 'adam' | 'adamw';
  private readonly wd: number;
  private readonly start: number;
  private readonly pruningSteps: number;
  private periods: number;
  private readonly perPeriod: number[];
  private step = 0;
  private pruneStart: number;
  private periodLen: number;
  private period = 0;
  private readonly pruned = new Set<number>();
  private active: number[] = [];
  private budget: ChannelBudget;
  private preselected: number[] | null = null;
  // CRIC state
  private readonly cric: Required<CricOptions> | null;
  private cricCycle = 0;
  private cricCycleStart = 0;
  private cricDone = false;
  private cricSet: number[] = [];
  private readonly cricHistory = new Set<number>();
  private readonly cricTrial = new Set<number>();
  private cricScoreSum: Float64Array;
  private cricScoreCount = 0;
  private readonly cricPenalty: Float64Array;
  private cricRefLoss = 0;
  private cricSnapshot: Map<string, tf.Tensor> | null = null;

  constructor(
    model: tf.LayersModel,
    graph: DependencyGraph,
    private readonly opts: HessoOptions,
  ) {
    const target = opts.targetGroupSparsity;
    if (!(target >= 0 && target < 1)) throw new YotoError(`targetGroupSparsity must be in [0, 1), got ${target}`, 'hesso');
    this.variant = opts.variant ?? 'adamw';
    this.wd = opts.weightDecay ?? (this.variant === 'adamw' ? 0.01 : 0);
    const total = opts.totalSteps;
    if (total === undefined && (opts.startPruningStep === undefined || opts.pruningSteps === undefined)) {
      throw new YotoError('give totalSteps, or both startPruningStep and pruningSteps', 'hesso');
    }
    this.start = opts.startPruningStep ?? Math.max(1, Math.round(0.1 * total!));
    this.pruningSteps = Math.max(1, opts.pruningSteps ?? Math.round(0.4 * total!));
    this.periods = Math.max(1, Math.min(opts.pruningPeriods ?? 10, this.pruningSteps));
    this.periodLen = Math.floor(this.pruningSteps / this.periods);
    this.pruneStart = this.start;

    for (const layer of model.layers) {
      layer.weights.forEach((lv, w) => {
        if (!lv.trainable) return;
        const v = lv.read() as tf.Variable;
        const entry: Var = { name: v.name, layer: layer.name, weight: w, v };
        if (this.variant !== 'sgd' || (opts.momentum ?? 0.9) > 0) entry.m = tf.variable(tf.zerosLike(v), false);
        if (this.variant !== 'sgd') entry.s = tf.variable(tf.zerosLike(v), false);
        this.vars.push(entry);
        this.byKey.set(`${layer.name}|${w}`, entry);
      });
    }
    this.prunable = graph.zigs.filter((z) => z.prunable);
    this.slices = this.prunable.map((z) => z.owned.filter((s) => this.byKey.has(`${s.layer}|${s.weight}`)));
    this.sizes = groupSizes(this.slices, (l, w) => this.byKey.get(`${l}|${w}`)?.v.shape);
    this.targetRedundant = Math.round(target * this.prunable.length);
    const base = Math.floor(this.targetRedundant / this.periods);
    this.perPeriod = Array.from({ length: this.periods }, (_, p) =>
      p === this.periods - 1 ? this.targetRedundant - base * (this.periods - 1) : base,
    );
    this.tensors = graph.tensors;
    this.budget = new ChannelBudget(graph.tensors);
    this.cricScoreSum = new Float64Array(this.prunable.length);
    this.cricPenalty = new Float64Array(this.prunable.length);
    if (opts.identification === 'cric') {
      const c = opts.cric ?? {};
      this.cric = {
        samplingSteps: c.samplingSteps ?? Math.max(2, Math.round(0.02 * (total ?? this.pruningSteps * 2.5))),
        maxCycles: c.maxCycles ?? 5,
        tolerance: c.tolerance ?? 0,
        lossWeight: c.lossWeight ?? 1,
      };
      this.pruneStart = Number.POSITIVE_INFINITY; // set when CRIC ends
      this.periods = 1;
      this.periodLen = this.pruningSteps;
    } else {
      this.cric = null;
    }
  }

  /** Computes the loss and its gradients, takes one step, returns the loss value. */
  minimize(lossFn: () => tf.Scalar): number {
    const { value, grads } = tf.variableGrads(lossFn, this.vars.map((v) => v.v));
    const loss = value.dataSync()[0];
    value.dispose();
    this.applyGradients(grads, loss);
    tf.dispose(grads);
    return loss;
  }

  /** One step from gradients keyed by variable name (as tf.variableGrads returns them). */
  applyGradients(grads: tf.NamedTensorMap, loss?: number): void {
    const k = this.step;
    const lr = typeof this.opts.lr === 'function' ? this.opts.lr(k) : this.opts.lr;
    const directions = this.directions(grads);
    try {
      if (this.cric && !this.cricDone && k >= this.start) {
        if (loss === undefined) throw new YotoError('CRIC needs the loss: pass it to applyGradients or use minimize', 'hesso');
        if (!this.cricStep(k, loss, directions)) {
          this.step++;
          return;
        }
      }
      this.maybeIdentify(k, directions);
      this.update(k, lr, directions);
      if (this.active.length > 0 && this.periodStep(k) === this.periodLen - 1) this.commit();
    } finally {
      tf.dispose([...directions.values()]);
    }
    this.step++;
  }

  /** Update direction d (without the learning rate) per variable; advances the moments. */
  private directions(grads: tf.NamedTensorMap): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    const t = this.step + 1;
    const b1 = this.opts.beta1 ?? 0.9;
    const b2 = this.opts.beta2 ?? 0.999;
    const eps = this.opts.epsilon ?? 1e-8;
    const mu = this.opts.momentum ?? 0.9;
    for (const v of this.vars) {
      const g0 = grads[v.name];
      if (!g0) continue;
      const d = tf.tidy(() => {
        const g = this.variant !== 'adamw' && this.wd > 0 ? tf.add(g0, tf.mul(v.v, this.wd)) : g0;
        if (this.variant === 'sgd') {
          if (!v.m) return tf.clone(g);
          v.m.assign(tf.add(tf.mul(v.m, mu), g));
          return tf.clone(v.m);
        }
        v.m!.assign(tf.add(tf.mul(v.m!, b1), tf.mul(g, 1 - b1)));
        v.s!.assign(tf.add(tf.mul(v.s!, b2), tf.mul(tf.square(g), 1 - b2)));
        const mh = tf.div(v.m!, 1 - b1 ** t);
        const sh = tf.div(v.s!, 1 - b2 ** t);
        return tf.div(mh, tf.add(tf.sqrt(sh), eps));
      });
      out.set(v.name, d);
    }
    return out;
  }

  /** Steps since the current pruning period began (0 at its first step). */
  private periodStep(k: number): number {
    return k - (this.pruneStart + (this.period - 1) * this.periodLen);
  }

  private update(k: number, lr: number, d: Map<string, tf.Tensor>): void {
    const factor = new Map<string, Map<number, Map<number, number>>>();
    const put = (groups: Iterable<number>, f: number) => {
      for (const g of groups) {
        for (const s of this.slices[g]) {
          const key = `${s.layer}|${s.weight}`;
          let byAxis = factor.get(key);
          if (!byAxis) factor.set(key, (byAxis = new Map()));
          let byIndex = byAxis.get(s.axis);
          if (!byIndex) byAxis.set(s.axis, (byIndex = new Map()));
          byIndex.set(s.index, f * (byIndex.get(s.index) ?? 1));
        }
      }
    };
    if (this.active.length > 0) {
      const t = this.periodStep(k);
      put(this.active, (this.periodLen - t - 1) / (this.periodLen - t));
    }
    if (this.cric && !this.cricDone && this.cricSet.length > 0 && k >= this.start) {
      const S = this.cric.samplingSteps;
      const t = k - this.cricCycleStart;
      put(this.cricSet, (S - t - 1) / (S - t));
    }
    put(this.pruned, 0);
    for (const v of this.vars) {
      const dir = d.get(v.name);
      const f = factor.get(`${v.layer}|${v.weight}`);
      if (!dir && !f) continue;
      const next = tf.tidy(() => {
        let p: tf.Tensor = v.v;
        if (dir) {
          if (this.variant === 'adamw' && this.wd > 0) p = tf.mul(p, 1 - lr * this.wd);
          p = tf.sub(p, tf.mul(dir, lr));
        }
        return f ? scaleAlongAxes(p, f) : tf.clone(p);
      });
      v.v.assign(next);
      next.dispose();
    }
  }

  /** Saliency of every prunable group from the current weights and directions. */
  private scores(d: Map<string, tf.Tensor>): Float64Array {
    const x = new Map<string, { values: Float32Array; shape: number[] }>();
    const dv = new Map<string, { values: Float32Array; shape: number[] }>();
    for (const v of this.vars) {
      x.set(`${v.layer}|${v.weight}`, { values: v.v.dataSync() as Float32Array, shape: v.v.shape });
      const dt = d.get(v.name);
      if (dt) dv.set(`${v.layer}|${v.weight}`, { values: dt.dataSync() as Float32Array, shape: dt.shape });
    }
    const X: WeightValues = (l, w) => x.get(`${l}|${w}`);
    const D: WeightValues = (l, w) => dv.get(`${l}|${w}`);
    return saliency(
      { xx: groupDots(this.slices, X, X), xd: groupDots(this.slices, X, D), dd: groupDots(this.slices, D, D), size: this.sizes },
      this.opts.saliency ?? defaultSaliencyWeights,
    );
  }

  private maybeIdentify(k: number, d: Map<string, tf.Tensor>): void {
    if (this.period >= this.periods || k < this.pruneStart) return;
    if ((k - this.pruneStart) % this.periodLen !== 0) return;
    this.commit();
    if (this.preselected) {
      this.active = this.period === 0 ? this.preselected : [];
    } else {
      const score = this.scores(d);
      const candidates = this.prunable.map((_, i) => i).filter((i) => !this.pruned.has(i));
      this.active = pickLowest(candidates, (i) => score[i], this.perPeriod[this.period], this.prunable, this.budget);
    }
    this.period++;
  }

  private commit(): void {
    for (const g of this.active) this.pruned.add(g);
    this.active = [];
  }

  /**
   * One CRIC step. Returns false when the step only restored the weights (no update).
   */
  private cricStep(k: number, loss: number, d: Map<string, tf.Tensor>): boolean {
    const c = this.cric!;
    const score = this.scores(d);
    for (let i = 0; i < score.length; i++) this.cricScoreSum[i] += score[i];
    this.cricScoreCount++;
    const all = this.prunable.map((_, i) => i);
    if (k === this.start) {
      this.cricRefLoss = loss;
      this.cricSnapshot = new Map(this.vars.map((v) => [v.name, tf.clone(v.v)]));
      this.cricSet = pickLowest(all, (i) => score[i], this.targetRedundant, this.prunable, new ChannelBudget(this.tensors));
      this.cricSet.forEach((i) => this.cricHistory.add(i));
      this.cricCycleStart = k;
      return true;
    }
    if (k - this.cricCycleStart < c.samplingSteps) {
      // Groups that look redundant while the current set is being removed are the next trial.
      const inSet = new Set(this.cricSet);
      const fresh = all.filter((i) => !inSet.has(i) && !this.cricHistory.has(i));
      pickLowest(fresh, (i) => score[i], this.targetRedundant, this.prunable, new ChannelBudget(this.tensors)).forEach((i) =>
        this.cricTrial.add(i),
      );
      return true;
    }
    // End of a cycle: charge the loss increase to the set, restore the weights.
    const rise = Math.max(0, loss / Math.max(this.cricRefLoss, 1e-12) - 1);
    for (const i of this.cricSet) this.cricPenalty[i] += (c.lossWeight * rise) / Math.sqrt(this.cricSet.length);
    for (const v of this.vars) v.v.assign(this.cricSnapshot!.get(v.name)!);
    this.cricCycle++;
    const mean = (i: number) => this.cricScoreSum[i] / this.cricScoreCount + this.cricPenalty[i];
    const next = [...this.cricTrial].filter((i) => !this.cricHistory.has(i)).sort((a, b) => mean(a) - mean(b)).slice(0, this.targetRedundant);
    this.cricTrial.clear();
    if (next.length <= c.tolerance || this.cricCycle >= c.maxCycles) {
      this.cricDone = true;
      this.cricSet = [];
      tf.dispose([...this.cricSnapshot!.values()]);
      this.cricSnapshot = null;
      this.preselected = pickLowest(all, mean, this.targetRedundant, this.prunable, this.budget);
      this.pruneStart = k + 1;
      this.period = 0;
      return false;
    }
    this.cricSet = next;
    next.forEach((i) => this.cricHistory.add(i));
    this.cricCycleStart = k + 1;
    return false;
  }

  /**
   * Ids (Zig.id) of the groups committed to zero so far. The same ids name the same groups in
   * any model of this architecture: zero them in an EMA copy with OTO.zeroGroupsById.
   */
  prunedGroupIds(): number[] {
    return [...this.pruned].map((i) => this.prunable[i].id).sort((a, b) => a - b);
  }

  /** The optimizer's state for a checkpoint: JSON meta plus tensors (clones; caller disposes). */
  getState(): { meta: HessoStateMeta; tensors: tf.NamedTensorMap } {
    const tensors: tf.NamedTensorMap = {};
    for (const v of this.vars) {
      const key = `${v.layer}|${v.weight}`;
      if (v.m) tensors[`${key}|m`] = tf.clone(v.m);
      if (v.s) tensors[`${key}|s`] = tf.clone(v.s);
      const snap = this.cricSnapshot?.get(v.name);
      if (snap) tensors[`${key}|snapshot`] = tf.clone(snap);
    }
    const meta: HessoStateMeta = {
      step: this.step,
      period: this.period,
      pruneStart: Number.isFinite(this.pruneStart) ? this.pruneStart : null,
      pruned: [...this.pruned],
      active: [...this.active],
      preselected: this.preselected ? [...this.preselected] : null,
      cric: this.cric
        ? {
            cycle: this.cricCycle,
            cycleStart: this.cricCycleStart,
            done: this.cricDone,
            set: [...this.cricSet],
            history: [...this.cricHistory],
            trial: [...this.cricTrial],
            scoreSum: [...this.cricScoreSum],
            scoreCount: this.cricScoreCount,
            penalty: [...this.cricPenalty],
            refLoss: this.cricRefLoss,
          }
        : null,
    };
    return { meta, tensors };
  }

  /** Restores a state from getState (same model structure and options). */
  setState(meta: HessoStateMeta, tensors: tf.NamedTensorMap): void {
    const where = 'hesso state';
    if ((meta.cric === null) !== (this.cric === null)) throw new YotoError('identification mode differs from the saved state', where);
    const n = this.prunable.length;
    for (const i of [...meta.pruned, ...meta.active, ...(meta.preselected ?? [])]) {
      if (!Number.isInteger(i) || i < 0 || i >= n) throw new YotoError(`group ${i} does not exist in this model (${n} prunable)`, where);
    }
    for (const v of this.vars) {
      const key = `${v.layer}|${v.weight}`;
      for (const [slot, t] of [['m', v.m], ['s', v.s]] as const) {
        if (!t) continue;
        const saved = tensors[`${key}|${slot}`];
        if (!saved || saved.shape.join(',') !== t.shape.join(',')) throw new YotoError(`missing or misshapen moment ${key}|${slot}`, where);
        t.assign(saved);
      }
    }
    this.step = meta.step;
    this.period = meta.period;
    this.pruneStart = meta.pruneStart ?? Number.POSITIVE_INFINITY;
    this.pruned.clear();
    meta.pruned.forEach((i) => this.pruned.add(i));
    this.active = [...meta.active];
    this.preselected = meta.preselected ? [...meta.preselected] : null;
    this.budget = new ChannelBudget(this.tensors);
    const taken = new Set([...meta.pruned, ...meta.active, ...(meta.preselected ?? [])]);
    for (const i of taken) this.budget.take(this.prunable[i]);
    if (meta.cric && this.cric) {
      const c = meta.cric;
      this.cricCycle = c.cycle;
      this.cricCycleStart = c.cycleStart;
      this.cricDone = c.done;
      this.cricSet = [...c.set];
      this.cricHistory.clear();
      c.history.forEach((i) => this.cricHistory.add(i));
      this.cricTrial.clear();
      c.trial.forEach((i) => this.cricTrial.add(i));
      this.cricScoreSum = Float64Array.from(c.scoreSum);
      this.cricScoreCount = c.scoreCount;
      this.cricPenalty.set(c.penalty);
      this.cricRefLoss = c.refLoss;
      if (this.cricSnapshot) tf.dispose([...this.cricSnapshot.values()]);
      this.cricSnapshot = null;
      if (!c.done && meta.step > this.start) {
        this.cricSnapshot = new Map(
          this.vars.map((v) => {
            const saved = tensors[`${v.layer}|${v.weight}|snapshot`];
            if (!saved) throw new YotoError(`missing CRIC snapshot for ${v.layer}|${v.weight}`, where);
            return [v.name, tf.clone(saved)];
          }),
        );
      }
    }
  }

  /** Where the optimizer stands; counts zero groups from the weights. */
  metrics(): HessoMetrics {
    const x = new Map<string, { values: Float32Array; shape: number[] }>();
    for (const v of this.vars) x.set(`${v.layer}|${v.weight}`, { values: v.v.dataSync() as Float32Array, shape: v.v.shape });
    const X: WeightValues = (l, w) => x.get(`${l}|${w}`);
    const norms = groupDots(this.slices, X, X);
    const zero = norms.reduce((n, v) => n + (v === 0 ? 1 : 0), 0);
    const k = this.step;
    let phase: HessoPhase = 'finetune';
    if (k < this.start) phase = 'warmup';
    else if (this.cric && !this.cricDone) phase = 'cric';
    else if (this.period < this.periods || this.active.length > 0) phase = 'pruning';
    return {
      step: k,
      phase,
      prunableGroups: this.prunable.length,
      targetRedundantGroups: this.targetRedundant,
      prunedGroups: this.pruned.size,
      activeRedundantGroups: this.active.length,
      zeroGroups: zero,
      groupSparsity: this.prunable.length === 0 ? 0 : zero / this.prunable.length,
      cricCycles: this.cricCycle,
    };
  }

  /** The step after which every redundant group is zero (for planning a schedule). */
  get pruningEndStep(): number {
    return this.pruneStart + this.periods * this.periodLen;
  }

  dispose(): void {
    for (const v of this.vars) tf.dispose([v.m, v.s].filter((x): x is tf.Variable => x !== undefined));
    if (this.cricSnapshot) tf.dispose([...this.cricSnapshot.values()]);
  }
}
