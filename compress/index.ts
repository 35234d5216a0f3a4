/**
 * compress/: HESSO (Only-Train-Once family) structured pruning for any TensorFlow.js
 * LayersModel — dependency graph → zero-invariant groups, the optimizer, subnet construction,
 * parameter/MAC counts and latency.
 *
 *   const oto = new OTO(model);                       // groups from the topology
 *   const opt = oto.hesso({ lr: 1e-3, targetGroupSparsity: 0.5, totalSteps: 5000 });
 *   for (const batch of batches) opt.minimize(() => lossOf(model, batch));
 *   const { model: small, report } = await oto.constructSubnet();
 *   await saveModelFolder(small, 'policy-small/');
 *
 * Sanity check: oto.randomZeroGroups(0.5, seed), then constructSubnet(): same outputs.
 * Custom layers declare how they carry channels with registerChannelRule (see layer-rules.ts).
 */
export { OTO } from './oto.ts';
export { Hesso } from './hesso.ts';
export type { HessoOptions, HessoMetrics, HessoPhase, CricOptions, HessoStateMeta } from './hesso.ts';
export { buildDependencyGraph } from './dependency-graph.ts';
export type { DependencyGraph, Zig, ZigChannel, ParamSlice, TensorInfo, GraphNode } from './dependency-graph.ts';
export { registerChannelRule } from './channel-rules.ts';
export type { ChannelRule, RuleContext, ZeroRule, TensorView } from './channel-rules.ts';
export { countModel, measureLatency, sampleInputs } from './count.ts';
export type { ModelCount, LayerCount, Latency } from './count.ts';
export type { SubnetReport } from './subnet.ts';
export { saliency, defaultSaliencyWeights } from './saliency.ts';
export type { SaliencyCriterion, SaliencyWeights } from './saliency.ts';
export { GroupNormalization, FiLM } from '../tf/layers/index.ts';
export { modelToJson } from './model-json.ts';
export type { ModelJson, LayerJson } from './model-json.ts';
export { saveModelFolder } from './model-json.ts';
export { compressModelFolder } from './compress-folder.ts';
export type { CompressFolderOptions, CompressFolderResult } from './compress-folder.ts';
export { CompressReportSchema, readCompressReport, COMPRESS_REPORT_VERSION } from './report-file.ts';
export type { CompressReport } from './report-file.ts';
