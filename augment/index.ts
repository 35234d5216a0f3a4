/** Public API of augment/: one demonstrated program → a dataset of verified demonstrations. */
export { augment, CONTROL_HZ, DEFAULT_RECORD_HZ, DEFAULT_AUGMENT_CAMERA, type AugmentOptions, type AugmentProgress, type AugmentSummary } from './augment.ts';
export { transformProgram, objectMotion, movePose, type ObjectMotion } from './transform.ts';
export { runCandidate, candidatePlan, candidateSeed, type CandidateContext, type CandidateResult, type FailureKind } from './candidate.ts';
export { EpisodeRecorder, type RecordedEpisode, type RecorderOptions } from './recorder.ts';
export { DatasetWriter, type EpisodeRows, type CommitStage } from './dataset-writer.ts';
export { datasetInfo, readEpisode, readDatasetArrays, type DatasetInfo, type KeyInfo, type DatasetArrays } from './dataset-reader.ts';
export { DATA_KEYS, META_KEYS, DatasetAttrsSchema, episodeProgram, type DatasetAttrs, type DataKey, type MetaKey, type KeySpec } from './dataset-layout.ts';
