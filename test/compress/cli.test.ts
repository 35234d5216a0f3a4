/** `yoto compress` on a saved model: one-shot pruning, files written, outputs preserved. */
import { mkdtempSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tf, initTf } from '../../tf/index.ts';
import { registerCompressCommand } from '../../cli/compress.ts';
import { saveModelFolder } from '../../compress/index.ts';
import { loadLayersModel as loadModelFolder } from '../../tf/index.ts';
import { readCompressReport } from '../../compress/report-file.ts';
import * as A from './architectures.ts';

const dir = mkdtempSync(join(tmpdir(), 'yoto-compress-'));

beforeAll(async () => {
  await initTf({ backend: 'cpu' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ out: string[]; err: string[]; code: number | undefined }> {
  const program = new Command().exitOverride();
  registerCompressCommand(program);
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'yoto', 'compress', ...args]);
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
  const code = process.exitCode as number | undefined;
  process.exitCode = undefined;
  return { out, err, code };
}

describe('yoto compress', () => {
  it('prunes a saved model; the subnet reproduces the saved group-sparse model', async () => {
    const model = A.resnet();
    A.randomizeWeights(model, 3);
    await saveModelFolder(model, join(dir, 'src'));
    const outDir = join(dir, 'small');
    const r = await run(['--model', join(dir, 'src', 'model.json'), '--sparsity', '0.5', '--out', outDir, '--save-sparse', '--latency-runs', '2', '--json']);
    expect(r.code).toBeUndefined();
    const j = JSON.parse(r.out[r.out.length - 1]) as Record<string, number>;
    expect(j.removed_groups).toBe(Math.round(0.5 * j.prunable_groups));
    expect(j.params_after).toBeLessThan(j.params_before);
    expect(j.macs_after).toBeLessThan(j.macs_before);
    expect(j.max_abs_diff).toBeLessThan(1e-5);
    for (const f of ['model.json', 'weights.bin', 'compress-report.json', 'sparse/model.json']) expect(existsSync(join(outDir, f))).toBe(true);

    const small = await loadModelFolder(outDir);
    const sparse = await loadModelFolder(join(outDir, 'sparse'));
    expect(small.countParams()).toBe(j.params_after);
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 5);
    const d = tf.max(tf.abs(tf.sub(small.predict(x) as tf.Tensor, sparse.predict(x) as tf.Tensor))).dataSync()[0];
    expect(d).toBeLessThan(1e-5);
    const report = readCompressReport(join(outDir, 'compress-report.json'));
    expect(report.params.after).toBe(j.params_after);
    expect(report.removedGroups).toBe(j.removed_groups);
  });

  it('random groups of a saved GroupNorm + FiLM U-Net (custom layers load by name)', async () => {
    const model = A.temporalUnet({ width: 8 });
    A.randomizeWeights(model, 4);
    await saveModelFolder(model, join(dir, 'unet'));
    const r = await run(['--model', join(dir, 'unet'), '--method', 'random', '--seed', '3', '--out', join(dir, 'unet-small'), '--latency-runs', '0', '--json']);
    expect(r.code).toBeUndefined();
    const j = JSON.parse(r.out[r.out.length - 1]) as Record<string, number>;
    expect(j.removed_groups).toBeGreaterThan(0);
    expect(j.max_abs_diff).toBeLessThan(1e-5);
    const small = await loadModelFolder(join(dir, 'unet-small', 'model.json'));
    expect(small.countParams()).toBe(j.params_after);
  });

  it('a report of another version is refused with the field named', () => {
    const path = join(dir, 'small', 'compress-report.json');
    const bad = { ...JSON.parse(readFileSync(path, 'utf8')), version: 99 };
    writeFileSync(join(dir, 'bad-report.json'), JSON.stringify(bad));
    expect(() => readCompressReport(join(dir, 'bad-report.json'))).toThrow(/version: unsupported compress report version/);
  });

  it('a missing model file is one line naming the path, exit code 1', async () => {
    const r = await run(['--model', join(dir, 'nope', 'model.json'), '--out', join(dir, 'x'), '--latency-runs', '0']);
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/nope\/model\.json: no such model file/);
  });
});
