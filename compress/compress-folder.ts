/**
 * Compressing a saved model without a training loop (what `yoto compress` does on its own):
 * load, zero a fraction of groups one-shot (lowest magnitude, or random as OTO's sanity
 * check), construct the subnet, check it against the group-sparse model, measure both, save.
 * Training with HESSO needs the caller's loss: use OTO.hesso through the API for that.
 */
import { join } from 'node:path';
import { tf } from '../tf/index.ts';
import { writeJsonAtomic } from '../core/atomic.ts';
import { YotoError } from '../core/errors.ts';
import { measureLatency, sampleInputs, type Latency } from './count.ts';
import { loadLayersModel } from '../tf/index.ts';
import { saveModelFolder } from './model-json.ts';
import { OTO } from './oto.ts';
import type { SubnetReport } from './subnet.ts';
import { COMPRESS_REPORT_VERSION, type CompressReport } from './report-file.ts';

export interface CompressFolderOptions {
  /** model.json, or the folder holding it. */
  model: string;
  out: string;
  /** Fraction of prunable groups to remove, in [0, 1). */
  sparsity: number;
  method?: 'magnitude' | 'random';
  seed?: number;
  /** Also save the full group-sparse model under out/sparse/. */
  saveSparse?: boolean;
  /** Latency runs per model (0 skips the measurement). Default 20. */
  latencyRuns?: number;
}

export interface CompressFolderResult {
  report: SubnetReport;
  /** Largest |subnet − group-sparse| output difference on random inputs. */
  maxAbsDiff: number;
  latencyBefore: Latency | null;
  latencyAfter: Latency | null;
  warnings: string[];
  out: string;
}

export async function compressModelFolder(opts: CompressFolderOptions): Promise<CompressFolderResult> {
  if (!(opts.sparsity >= 0 && opts.sparsity < 1)) throw new YotoError(`must be in [0, 1), got ${opts.sparsity}`, '--sparsity');
  const model = await loadLayersModel(opts.model);
  const oto = new OTO(model);
  const runs = opts.latencyRuns ?? 20;
  const latencyBefore = runs > 0 ? await measureLatency(model, { runs }) : null;
  if ((opts.method ?? 'magnitude') === 'random') oto.randomZeroGroups(opts.sparsity, opts.seed ?? 0);
  else oto.zeroLowestGroups(opts.sparsity);
  const { model: sub, report } = await oto.constructSubnet();

  const xs = sampleInputs(model, 2, opts.seed ?? 0);
  const maxAbsDiff = tf.tidy(() => {
    const arg = xs.length === 1 ? xs[0] : xs;
    const a = model.predict(arg) as tf.Tensor | tf.Tensor[];
    const b = sub.predict(arg) as tf.Tensor | tf.Tensor[];
    const as = Array.isArray(a) ? a : [a];
    const bs = Array.isArray(b) ? b : [b];
    return Math.max(...as.map((t, i) => tf.max(tf.abs(tf.sub(t, bs[i]))).dataSync()[0]));
  });
  tf.dispose(xs);
  const latencyAfter = runs > 0 ? await measureLatency(sub, { runs }) : null;

  await saveModelFolder(sub, opts.out);
  if (opts.saveSparse) await saveModelFolder(model, join(opts.out, 'sparse'));
  const result: CompressFolderResult = { report, maxAbsDiff, latencyBefore, latencyAfter, warnings: oto.warnings, out: opts.out };
  const file: CompressReport = {
    version: COMPRESS_REPORT_VERSION,
    source: opts.model,
    method: opts.method ?? 'magnitude',
    sparsity: opts.sparsity,
    maxAbsDiff,
    warnings: oto.warnings,
    groups: report.groups,
    prunableGroups: report.prunableGroups,
    removedGroups: report.removedGroups,
    params: { before: report.before.params, after: report.after.params },
    macs: { before: report.before.macs, after: report.after.macs },
    latencyMs: { before: latencyBefore?.p50Ms ?? null, after: latencyAfter?.p50Ms ?? null },
    layers: { before: report.before.layers, after: report.after.layers },
  };
  writeJsonAtomic(join(opts.out, 'compress-report.json'), file);
  return result;
}
