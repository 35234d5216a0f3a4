/**
 * compress-report.json, written beside a compressed model: what was removed and what it saved.
 * Read it with `readCompressReport` (zod-validated; a file of another version is named).
 */
import { z } from 'zod';
import { readJsonFile } from '../core/read.ts';

export const COMPRESS_REPORT_VERSION = 1;

const LayerCountSchema = z.object({ layer: z.string(), className: z.string(), params: z.number(), macs: z.number() });
const BeforeAfter = z.object({ before: z.number(), after: z.number() });

export const CompressReportSchema = z.object({
  version: z.literal(COMPRESS_REPORT_VERSION, {
    error: `unsupported compress report version (this yoto reads version ${COMPRESS_REPORT_VERSION})`,
  }),
  source: z.string(),
  method: z.string(),
  sparsity: z.number().min(0).max(1),
  maxAbsDiff: z.number(),
  warnings: z.array(z.string()),
  groups: z.number().int(),
  prunableGroups: z.number().int(),
  removedGroups: z.number().int(),
  params: BeforeAfter,
  macs: BeforeAfter,
  latencyMs: z.object({ before: z.number().nullable(), after: z.number().nullable() }),
  layers: z.object({ before: z.array(LayerCountSchema), after: z.array(LayerCountSchema) }),
});

export type CompressReport = z.infer<typeof CompressReportSchema>;

export function readCompressReport(path: string): CompressReport {
  return readJsonFile(path, CompressReportSchema);
}
