/**
 * HESSO for a trained policy: fine-tune it on its dataset with HESSO to a target group sparsity
 * (or train from scratch with HESSO: `yoto train --hesso`), then construct the smaller dense
 * subnet from the zero groups and check it against the group-sparse network.
 */
import { OTO, type SubnetReport } from '../compress/index.ts';
import { buildBidpModel } from './model.ts';
import { tf } from '../tf/index.ts';
import { YotoError } from '../core/errors.ts';
import { PROPRIO_DIM } from './observation.ts';
import type { Policy } from './policy.ts';
import { trainPolicy, type TrainOptions } from './train.ts';
import type { TrainingData } from './training-data.ts';

export interface SubnetResult {
  /** The subnet with the group-sparse policy's file. */
  policy: Policy;
  report: SubnetReport;
  /** Largest |subnet − group-sparse| output on random inputs (should be ~1e-6). */
  maxAbsDiff: number;
}

/** The dense subnet of a group-sparse policy. */
export async function policySubnet(sparse: Policy): Promise<SubnetResult> {
  const meta = sparse.meta;
  const oto = new OTO(sparse.model);
  const { model, report } = await oto.constructSubnet();
  const B = 4;
  const inputs = [
    tf.randomNormal([B, meta.model.points, 3], 0, 1, 'float32', 1),
    tf.randomNormal([B, PROPRIO_DIM], 0, 1, 'float32', 2),
    tf.randomNormal([B, meta.model.tembDim], 0, 1, 'float32', 3),
    tf.randomNormal([B, meta.model.actionDim], 0, 1, 'float32', 4),
  ];
  const maxAbsDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(sparse.model.predict(inputs) as tf.Tensor, model.predict(inputs) as tf.Tensor))).dataSync()[0]);
  tf.dispose(inputs);
  return { policy: sparse.withModel(model), report, maxAbsDiff };
}

export interface CompressPolicyOptions extends Omit<TrainOptions, 'data' | 'init' | 'hessoSparsity' | 'model' | 'points'> {
  data: TrainingData;
  policy: Policy;
  sparsity: number;
}

export interface CompressPolicyResult {
  /** The fine-tuned group-sparse policy (the dense architecture, zero groups). */
  sparse: Policy;
  subnet: SubnetResult;
  losses: { step: number; loss: number }[];
}

/** Fine-tunes with HESSO and returns the group-sparse policy and its subnet (both with the fine-tuned policy's file). */
export async function compressPolicy(o: CompressPolicyOptions): Promise<CompressPolicyResult> {
  const { meta } = o.policy;
  if (meta.task !== o.data.attrs.task) throw new YotoError(`the policy is for task ${meta.task}, the dataset for ${o.data.attrs.task}`, '--data');
  if (meta.action !== o.data.action) throw new YotoError(`the policy predicts ${meta.action}s, the training data was loaded as ${o.data.action}s`, '--data');
  if (meta.model.actionDim !== o.data.actionDim) throw new YotoError(`the dataset's actions have ${o.data.actionDim} numbers, the policy's ${meta.model.actionDim} (another program structure or chunk horizon)`, '--data');
  const dense = buildBidpModel(meta.model);
  const denseParams = dense.countParams();
  dense.dispose();
  if (o.policy.model.countParams() !== denseParams)
    throw new YotoError('this policy is already compressed (its network is smaller than its config); compress the dense policy', '--policy');
  const r = await trainPolicy({
    ...o,
    init: o.policy.model,
    hessoSparsity: o.sparsity,
    points: meta.model.points,
    model: meta.model,
    diffusion: meta.diffusion,
    seed: o.seed ?? meta.training.seed,
  });
  const subnet = await policySubnet(r.policy);
  return { sparse: r.policy, subnet, losses: r.losses };
}
