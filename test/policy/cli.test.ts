/** The policy commands end to end on a small real dataset: augment → train → info → eval → compress, and their bad-input errors. */
import { existsSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runNode } from '../fixtures/run-node.ts';

const dir = mkdtempSync(join(tmpdir(), 'yoto-policy-cli-'));

async function yoto(...args: string[]) {
  const r = await runNode(['bin/yoto.js', ...args], { timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stderr.split('\n').filter((l) => l.trim() !== '') };
}
const lastJson = (s: string) => JSON.parse(s.trim().split('\n').at(-1)!) as Record<string, unknown>;

const ds = join(dir, 'ds');
const pol = join(dir, 'policy');
beforeAll(async () => {
  const a = await yoto('augment', '--program', 'scripted', '--task', 'lift-bar', '-n', '3', '--out', ds, '--workers', '0', '--json');
  expect(a.code, a.stderr).toBe(0);
}, 300_000);

describe('yoto train / policy info / eval / compress', () => {
  it('trains, describes, evaluates and compresses a policy', async () => {
    const t = await yoto('train', '--data', ds, '--out', pol, '--steps', '12', '--batch', '8', '--points', '64', '--hidden', '32', '--checkpoint-every', '5', '--json');
    expect(t.code, t.stderr).toBe(0);
    const ts = lastJson(t.stdout);
    expect(ts.task).toBe('lift-bar');
    expect(typeof ts.final_loss).toBe('number');
    for (const f of ['model.json', 'weights.bin', 'policy.json', 'loss.svg', 'checkpoint/state.json']) expect(existsSync(join(pol, f)), f).toBe(true);

    const info = await yoto('policy', 'info', pol, '--latency-runs', '2', '--json');
    expect(info.code, info.stderr).toBe(0);
    const i = lastJson(info.stdout);
    expect(i.params).toBeGreaterThan(1000);
    expect(i.denoise_flops).toBeGreaterThan(i.flops as number);
    expect((i.training as { episodes: number }).episodes).toBe(3);

    const ev = await yoto('eval', '--policy', pol, '--task', 'lift-bar', '--episodes', '1', '--seed', '5', '--json');
    expect(ev.code, ev.stderr).toBe(0);
    const e = lastJson(ev.stdout);
    for (const k of ['task', 'episodes', 'successes', 'success_rate', 'latency_ms_p50', 'latency_ms_p95']) expect(e, k).toHaveProperty(k);
    expect(e.episodes).toBe(1);
    expect(e.latency_ms_p50).toBeGreaterThan(0);

    const c = await yoto('compress', '--policy', pol, '--data', ds, '--sparsity', '0.5', '--steps', '20', '--eval-episodes', '0', '--out', join(dir, 'small'), '--json');
    expect(c.code, c.stderr).toBe(0);
    const cs = lastJson(c.stdout) as { before: { flops: number; params: number }; after: { flops: number; params: number }; max_abs_diff: number };
    expect(cs.after.params).toBeLessThan(cs.before.params);
    expect(cs.after.flops).toBeLessThan(cs.before.flops);
    expect(cs.max_abs_diff).toBeLessThan(1e-3);
    const again = await yoto('policy', 'info', join(dir, 'small'), '--latency-runs', '0', '--json');
    expect(lastJson(again.stdout).params).toBe(cs.after.params);
  }, 600_000);

  it('trains and runs a dense-chunk policy (Diffusion Policy style)', async () => {
    const out = join(dir, 'chunk');
    const t = await yoto('train', '--data', ds, '--out', out, '--action', 'chunk', '--horizon', '8', '--execute', '4', '--steps', '6', '--batch', '8', '--points', '64', '--hidden', '32', '--json');
    expect(t.code, t.stderr).toBe(0);
    const info = lastJson((await yoto('policy', 'info', out, '--latency-runs', '0', '--json')).stdout);
    expect(info.action).toBe('chunk');
    expect(info.chunk).toEqual({ horizon: 8, execute: 4, hz: 10 });
    const ev = await yoto('eval', '--policy', out, '--episodes', '1', '--seed', '5', '--json');
    expect(ev.code, ev.stderr).toBe(0);
    const e = lastJson(ev.stdout);
    expect(e.action).toBe('chunk');
    expect(e.latency_ms_p50).toBeGreaterThan(0);
    const open = await yoto('eval', '--policy', out, '--episodes', '1', '--open-loop');
    expect(open.lines).toHaveLength(1);
    expect(open.lines[0]).toMatch(/--open-loop.*chunk policy re-observes/);
  }, 300_000);

  it('bad input gives one line naming what and where', async () => {
    const missing = await yoto('train', '--data', join(dir, 'nope'), '--out', join(dir, 'p2'));
    expect(missing.code).toBe(1);
    expect(missing.lines.at(-1)).toMatch(/^yoto: error: .*nope.*dataset not found/);
    mkdirSync(join(dir, 'empty'), { recursive: true });
    const notPolicy = await yoto('eval', '--policy', join(dir, 'empty'), '--episodes', '1');
    expect(notPolicy.code).toBe(1);
    expect(notPolicy.lines).toHaveLength(1);
    expect(notPolicy.lines[0]).toMatch(/not a policy folder/);
    writeFileSync(join(dir, 'empty', 'policy.json'), '{"format":"yoto-bidp","version":9}');
    const badVersion = await yoto('policy', 'info', join(dir, 'empty'));
    expect(badVersion.lines).toHaveLength(1);
    expect(badVersion.lines[0]).toMatch(/policy\.json.*version/);
    const wrongTask = await yoto('eval', '--policy', pol, '--task', 'drawer', '--episodes', '1');
    expect(wrongTask.lines).toHaveLength(1);
    expect(wrongTask.lines[0]).toMatch(/trained for lift-bar, not drawer/);
  }, 300_000);
});
