/** `yoto augment` / `yoto dataset` bad input: one clear line, non-zero exit, nothing simulated. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNode } from '../fixtures/run-node.ts';
import { augment } from '../../augment/index.ts';
import { getTask, nominalScene } from '../../sim/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'yoto-augment-cli-'));

async function yoto(...args: string[]) {
  const r = await runNode(['--import', 'tsx', 'test/augment/fixtures/cli.ts', ...args], { timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stderr.split('\n').filter((l) => l.trim() !== '') };
}

function expectOneLineError(r: Awaited<ReturnType<typeof yoto>>, pattern: RegExp) {
  expect(r.code, r.stderr).toBe(1);
  expect(r.lines, r.stderr).toHaveLength(1);
  expect(r.lines[0]).toMatch(pattern);
}

describe('yoto augment: bad input', () => {
  it('a keypose tied to an object the task does not have names the keypose', async () => {
    const task = getTask('lift-bar');
    const p = task.scripted(nominalScene(task));
    p.arms.left[1].object = 'lid';
    const file = join(dir, 'program.json');
    writeFileSync(file, JSON.stringify(p));
    expectOneLineError(await yoto('augment', '--program', file, '--task', 'lift-bar', '-n', '2', '--out', join(dir, 'a')), /^yoto: error: program: arms\.left\[1\]\.object: .*"lid"/);
  });

  it('an --out folder that is not a dataset is left alone', async () => {
    const out = join(dir, 'not-a-dataset');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    expectOneLineError(await yoto('augment', '--program', 'scripted', '--task', 'lift-bar', '-n', '2', '--out', out), /not-a-dataset: exists and is not a yoto dataset/);
  });

  it('resuming with a different seed is refused', async () => {
    const out = join(dir, 'seed-3');
    const task = getTask('lift-bar');
    await augment({ task: 'lift-bar', program: task.scripted(nominalScene(task)), episodes: 0, out, seed: 3 });
    expectOneLineError(await yoto('augment', '--program', 'scripted', '--task', 'lift-bar', '-n', '2', '--out', out, '--seed', '4'), /seed-3: was made with a different seed \(3, now 4\)/);
  });

  it('a record rate that does not divide the control rate', async () => {
    expectOneLineError(await yoto('augment', '--program', 'scripted', '--task', 'lift-bar', '--out', join(dir, 'b'), '--record-hz', '30'), /record rate: must divide the 100 Hz control rate/);
  });
});
