import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNode } from '../fixtures/run-node.ts';

const dir = mkdtempSync(join(tmpdir(), 'yoto-cli-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

async function yoto(...args: string[]) {
  const r = await runNode(['bin/yoto.js', ...args], { timeout: 120_000 });
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lines };
}

/** One clear line on stderr, no stack trace, non-zero exit. */
function expectOneLineError(r: Awaited<ReturnType<typeof yoto>>, pattern: RegExp) {
  expect(r.code, r.stderr).not.toBe(0);
  expect(r.lines, r.stderr).toHaveLength(1);
  expect(r.lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

const kp = (position: number[], extra: object = {}) => ({ position, quaternion: [1, 0, 0, 0], gripper: 1, ...extra });

describe('yoto sim: bad input gives one clear line and a non-zero exit', () => {
  it('unknown task', async () => {
    expectOneLineError(await yoto('sim', 'run', '--task', 'fold-laundry'), /unknown task "fold-laundry" \(known: lift-bar, drawer, handover\)/);
  });

  it('malformed program JSON', async () => {
    const p = file('broken.json', '{"version": 1, "arms": {');
    expectOneLineError(await yoto('sim', 'run', '--task', 'lift-bar', '--program', p), new RegExp(`${p}: not valid JSON`));
  });

  it('program with a bad field names the field', async () => {
    const p = file('bad-field.json', JSON.stringify({ version: 1, arms: { left: [kp([0, 0.2, 0.2], { gripper: 3 })], right: [] } }));
    expectOneLineError(await yoto('sim', 'run', '--task', 'lift-bar', '--program', p), /arms\.left\[0\]\.gripper/);
  });

  it('missing program file', async () => {
    expectOneLineError(await yoto('sim', 'run', '--task', 'lift-bar', '--program', join(dir, 'nope.json')), /nope\.json: file not found/);
  });

  it('unreachable keypose names the arm, index and position', async () => {
    const p = file('far.json', JSON.stringify({ version: 1, arms: { left: [kp([0, 0.2, 0.2]), kp([1.6, 0.2, 0.3], { name: 'too-far' })], right: [] } }));
    expectOneLineError(await yoto('sim', 'run', '--task', 'lift-bar', '--program', p), /arms\.left\[1\]: unreachable keypose "too-far" at \(1\.600, 0\.200, 0\.300\)/);
  });

  it('invalid scene: object off the table, unknown object, wrong task', async () => {
    const scene = (objects: object, task = 'lift-bar') => file(`scene-${Math.random()}.json`, JSON.stringify({ version: 1, task, objects }));
    expectOneLineError(await yoto('sim', 'run', '--task', 'lift-bar', '--scene', scene({ bar: { position: [2, 0, 0.02], yaw: 0 } })), /object "bar" at \(2\.000, 0\.000\) is off the table/);
    expectOneLineError(await yoto('sim', 'run', '--task', 'lift-bar', '--scene', scene({ bar: { position: [0, 0, 0.02], yaw: 0 }, ball: { position: [0, 0, 0.02], yaw: 0 } })), /unknown object "ball"/);
    expectOneLineError(await yoto('sim', 'run', '--task', 'lift-bar', '--scene', scene({ cube: { position: [0, 0, 0.02], yaw: 0 } }, 'drawer')), /scene is for task "drawer"/);
  });

  it('bad flag value', async () => {
    expectOneLineError(await yoto('sim', 'run', '--task', 'lift-bar', '--episodes', 'many'), /--episodes must be an integer/);
  });
}, 300_000);

describe('yoto sim: contract', () => {
  it('sim run --json prints the summary as the last stdout line', async () => {
    const r = await yoto('sim', 'run', '--task', 'lift-bar', '--episodes', '1', '--seed', '4', '--json');
    expect(r.code, r.stderr).toBe(0);
    const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    for (const k of ['task', 'episodes', 'successes', 'success_rate', 'steps_per_s', 'state_hash']) expect(last).toHaveProperty(k);
    expect(last.task).toBe('lift-bar');
    expect(last.successes).toBe(1);
  });

  it('sim program prints a valid program that sim run accepts', async () => {
    const r = await yoto('sim', 'program', '--task', 'handover', '--seed', '9');
    expect(r.code, r.stderr).toBe(0);
    const prog = JSON.parse(r.stdout);
    expect(prog.version).toBe(1);
    expect(prog.arms.left.length).toBeGreaterThan(0);
    expect(prog.arms.right.some((k: { sync?: string }) => k.sync === 'taken')).toBe(true);
  });
}, 300_000);
