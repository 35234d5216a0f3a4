/**
 * The dataset end to end on lift-bar with a small camera (fast): an uninterrupted run, a run
 * killed mid-append then resumed through the CLI on two workers (must give the same bytes), the
 * layout read back with zarrita alone, and failed rollouts never written.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runNode } from '../fixtures/run-node.ts';
import * as zarr from 'zarrita';
import { augment, candidatePlan, datasetInfo, readEpisode, transformProgram, type AugmentSummary } from '../../augment/index.ts';
import { getTask, nominalScene, type Task } from '../../sim/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'yoto-augment-'));
const CAMERA = { width: 64, height: 48, points: 512, downsample: 'voxel' };
const cameraFile = join(tmp, 'camera.json');
writeFileSync(cameraFile, JSON.stringify(CAMERA));
const SEED = 11;
const N = 3;
const liftBar = getTask('lift-bar');
const demo = nominalScene(liftBar);
const program = liftBar.scripted(demo);
const refDir = join(tmp, 'reference');

function node(args: string[]) {
  return runNode(['--import', 'tsx', ...args], { timeout: 240_000 });
}

/** Every file under dir (relative path → bytes). */
function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) out.set(relative(dir, join(e.parentPath, e.name)), readFileSync(join(e.parentPath, e.name)));
  return out;
}

let reference: AugmentSummary;
beforeAll(async () => {
  reference = await augment({ task: 'lift-bar', program, episodes: N, out: refDir, seed: SEED, workers: 0, camera: CAMERA });
});

describe('augment → dataset', () => {
  it('keeps the requested number of verified episodes', () => {
    expect(reference).toMatchObject({ episodes: N, kept: N, resumed_from: 0 });
    expect(reference.tried).toBeGreaterThanOrEqual(N);
  });

  it('a run killed in the middle of an append shows only whole episodes, and resuming gives the same bytes as the uninterrupted run', async () => {
    const dir = join(tmp, 'crashed');
    // Killed after episode 1's chunks and new shapes are on disk, before it is committed.
    const crash = await node(['test/augment/fixtures/crash-run.ts', dir, String(SEED), String(N), 'commit', '1', cameraFile]);
    expect(crash.signal, crash.stderr).toBe('SIGKILL');
    const mid = await datasetInfo(dir);
    expect(mid.episodes).toBe(1);
    expect(mid.uncommitted_frames).toBeGreaterThan(0);

    const r = await node(['test/augment/fixtures/cli.ts', 'augment', '--program', 'scripted', '--task', 'lift-bar', '-n', String(N), '--out', dir, '--seed', String(SEED), '--workers', '2', '--camera', cameraFile, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as AugmentSummary;
    expect(summary).toMatchObject({ episodes: N, resumed_from: 1, kept: N - 1, workers: 2 });

    const want = files(refDir);
    const got = files(dir);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [path, bytes] of want) expect(got.get(path)!.equals(bytes), path).toBe(true);
  });

  it('`yoto dataset info` summarizes it; a bad folder is one error line', async () => {
    const r = await node(['test/augment/fixtures/cli.ts', 'dataset', 'info', refDir, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(info).toMatchObject({ task: 'lift-bar', episodes: N, uncommitted_frames: 0, points: 512 });
    const bad = await node(['test/augment/fixtures/cli.ts', 'dataset', 'info', join(tmp, 'nothing-here')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/nothing-here: dataset not found/);
  });

  it('reads back with zarrita alone in the documented layout', async () => {
    // A read-only folder store written here, so that no project code is involved.
    const store = {
      async get(key: string): Promise<Uint8Array | undefined> {
        try {
          return new Uint8Array(readFileSync(join(refDir, key.replace(/^\//, ''))));
        } catch {
          return undefined;
        }
      },
    };
    const root = zarr.root(store);
    const group = await zarr.open(root, { kind: 'group' });
    const yoto = group.attrs.yoto as { task: string; objects: string[]; program: { arms: { left: unknown[]; right: unknown[] } } };
    expect(yoto.task).toBe('lift-bar');
    const arr = (p: string) => zarr.open(root.resolve(p), { kind: 'array' });
    const ends = await zarr.get(await arr('meta/episode_ends'));
    expect(ends.shape).toEqual([N]);
    const e = Array.from(ends.data as BigInt64Array, Number);
    const T = e[N - 1];
    for (let i = 1; i < N; i++) expect(e[i]).toBeGreaterThan(e[i - 1]);
    const KL = yoto.program.arms.left.length;
    const KR = yoto.program.arms.right.length;
    const O = yoto.objects.length;
    const documented: Record<string, [string, number[]]> = {
      'data/point_cloud': ['float32', [T, 512, 3]],
      'data/joint_pos': ['float32', [T, 2, 6]],
      'data/tcp_pose': ['float32', [T, 2, 7]],
      'data/gripper': ['float32', [T, 2]],
      'data/action_tcp_pose': ['float32', [T, 2, 7]],
      'data/action_gripper': ['float32', [T, 2]],
      'data/keypose_index': ['int16', [T, 2]],
      'data/timestamp': ['float32', [T]],
      'meta/episode_ends': ['int64', [N]],
      'meta/keyframes_left': ['int32', [N, KL]],
      'meta/keyframes_right': ['int32', [N, KR]],
      'meta/keyposes_left': ['float64', [N, KL, 8]],
      'meta/keyposes_right': ['float64', [N, KR, 8]],
      'meta/placement': ['float64', [N, O, 4]],
      'meta/candidate': ['int32', [N]],
    };
    const data: Record<string, zarr.Chunk<zarr.DataType>> = {};
    for (const [path, [dtype, shape]] of Object.entries(documented)) {
      const a = await arr(path);
      expect([path, a.dtype, a.shape]).toEqual([path, dtype, shape]);
      data[path] = await zarr.get(a);
    }
    // Values are what they claim to be.
    const pc = data['data/point_cloud'].data as Float32Array;
    let maxAbsX = 0;
    let minZ = Infinity;
    for (let i = 0; i < pc.length; i += 3) {
      maxAbsX = Math.max(maxAbsX, Math.abs(pc[i]));
      minZ = Math.min(minZ, pc[i + 2]);
    }
    expect(maxAbsX).toBeLessThanOrEqual(0.5 + 1e-6); // the camera's crop box
    expect(minZ).toBeGreaterThanOrEqual(0.01 - 1e-6);
    const g = Array.from(data['data/gripper'].data as Float32Array);
    expect(Math.min(...g)).toBeGreaterThanOrEqual(-0.01);
    expect(Math.max(...g)).toBeLessThanOrEqual(1.01);
    const ts = data['data/timestamp'].data as Float32Array;
    expect(ts[0]).toBeCloseTo(0.01, 5);
    expect(ts[1] - ts[0]).toBeCloseTo(0.1, 5); // 10 Hz
    // Keyframes: increasing within the episode, in range; the gripper command changes at the grasp keyframe.
    const kf = data['meta/keyframes_left'].data as Int32Array;
    const ag = data['data/action_gripper'].data as Float32Array;
    for (let ep = 0; ep < N; ep++) {
      const start = ep ? e[ep - 1] : 0;
      const len = e[ep] - start;
      const k = Array.from(kf.slice(ep * KL, ep * KL + KL));
      for (let i = 0; i < KL; i++) expect(k[i]).toBeGreaterThanOrEqual(i ? k[i - 1] : 0), expect(k[i]).toBeLessThan(len);
      expect(ag[2 * (start + k[0])]).toBe(1); // open at pregrasp
      expect(ag[2 * (start + len - 1)]).toBe(0); // closed on the bar at the end
    }
  });

  it("stores each episode's program: the demonstrated one moved to the episode's placement", async () => {
    const info = await datasetInfo(refDir);
    for (let ep = 0; ep < info.episodes; ep++) {
      const { program: p, scene } = await readEpisode(refDir, ep);
      const expected = transformProgram(program, demo, scene);
      for (const a of ['left', 'right'] as const)
        p.arms[a].forEach((k, i) => {
          k.position.forEach((v, j) => expect(v).toBeCloseTo(expected.arms[a][i].position[j], 12));
          k.quaternion.forEach((v, j) => expect(v).toBeCloseTo(expected.arms[a][i].quaternion[j], 12));
        });
    }
  });
});

describe('failed rollouts are never written', () => {
  it('keeps exactly the candidates that succeed, in order', async () => {
    // lift-bar whose success also needs the bar moved towards −x from the demonstration: about
    // half the candidates fail in simulation (program completed, task not achieved).
    const picky: Task = { ...liftBar, check: (w) => liftBar.check(w) && w.scene.objects.bar.position[0] < demo.objects.bar.position[0] };
    const ctx = { task: 'lift-bar', program, scene: demo, seed: 0, every: 10, camera: {} as never, ranges: { bar: liftBar.objects[0].range } };
    // A seed whose first candidate fails and which has two successes within four candidates.
    const wins = (seed: number) => [0, 1, 2, 3].map((k) => candidatePlan({ ...ctx, seed }, k).scene.objects.bar.position[0] < demo.objects.bar.position[0]);
    const seed = [...Array(100).keys()].find((s) => { const w = wins(s); return !w[0] && w.filter(Boolean).length >= 2 && w.slice(0, 3).filter(Boolean).length === 2; })!;
    const expectedKept = wins(seed).map((w, k) => (w ? k : -1)).filter((k) => k >= 0).slice(0, 2);
    const dir = join(tmp, 'picky');
    const s = await augment({ task: picky, program, episodes: 2, out: dir, seed, workers: 0, camera: CAMERA });
    expect(s.failures['task-failed']).toBeGreaterThanOrEqual(1);
    expect(s.kept).toBe(2);
    expect(s.tried).toBe(expectedKept[1] + 1);
    const store = { get: async (key: string) => { try { return new Uint8Array(readFileSync(join(dir, key.slice(1)))); } catch { return undefined; } } };
    const cand = await zarr.get(await zarr.open(zarr.root(store).resolve('meta/candidate'), { kind: 'array' }));
    expect(Array.from(cand.data as Int32Array)).toEqual(expectedKept);
    for (let ep = 0; ep < 2; ep++) expect((await readEpisode(dir, ep)).scene.objects.bar.position[0]).toBeLessThan(demo.objects.bar.position[0]);
  });
});
