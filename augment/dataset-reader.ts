/** Reading a dataset back: a summary for `yoto dataset info`, and an episode's program. */
import { existsSync } from 'node:fs';
import * as zarr from 'zarrita';
import { YotoError } from '../core/errors.ts';
import { parseWith } from '../core/read.ts';
import { ARMS, type Program } from '../core/program.ts';
import { SCENE_VERSION, type Scene } from '../core/scene.ts';
import { DATA_KEYS, DatasetAttrsSchema, META_KEYS, episodeProgram, type DataKey, type DatasetAttrs, type MetaKey } from './dataset-layout.ts';
import { AtomicFileStore } from './zarr-store.ts';

export interface KeyInfo {
  path: string;
  shape: number[];
  dtype: string;
  chunks: number[];
  description: string;
}

export interface DatasetInfo {
  dir: string;
  task: string;
  seed: number;
  record_hz: number;
  points: number;
  objects: string[];
  keyposes: { left: number; right: number };
  episodes: number;
  frames: number;
  /** Frames in data/ past the last committed episode (left by a crash; cut on resume). */
  uncommitted_frames: number;
  length_frames: { min: number; mean: number; max: number };
  length_s: { min: number; mean: number; max: number };
  /** Candidates up to the last kept one, and the kept ratio over them. */
  tried: number;
  kept_ratio: number;
  keys: KeyInfo[];
}

async function openRoot(dir: string): Promise<{ store: AtomicFileStore; attrs: DatasetAttrs }> {
  if (!existsSync(dir)) throw new YotoError('dataset not found', dir);
  const store = new AtomicFileStore(dir);
  let group;
  try {
    group = await zarr.open.v3(zarr.root(store), { kind: 'group' });
  } catch {
    throw new YotoError('not a yoto dataset (no readable zarr.json)', dir);
  }
  return { store, attrs: parseWith(DatasetAttrsSchema, group.attrs.yoto, `${dir}/zarr.json: attributes.yoto`) };
}

async function readAll(store: AtomicFileStore, path: string): Promise<{ data: ArrayLike<number | bigint>; shape: number[] }> {
  const arr = await zarr.open.v3(zarr.root(store).resolve(path), { kind: 'array' });
  if (arr.shape[0] === 0) return { data: [], shape: arr.shape };
  const c = await zarr.get(arr);
  return { data: c.data as ArrayLike<number | bigint>, shape: c.shape };
}

export async function datasetInfo(dir: string): Promise<DatasetInfo> {
  const { store, attrs } = await openRoot(dir);
  const keys: KeyInfo[] = [];
  for (const spec of [...DATA_KEYS, ...META_KEYS]) {
    const arr = await zarr.open.v3(zarr.root(store).resolve(spec.path), { kind: 'array' });
    keys.push({ path: spec.path, shape: arr.shape, dtype: arr.dtype, chunks: arr.chunks, description: spec.description });
  }
  const ends = Array.from((await readAll(store, 'meta/episode_ends')).data, Number);
  const cand = Array.from((await readAll(store, 'meta/candidate')).data, Number);
  const lengths = ends.map((e, i) => e - (i ? ends[i - 1] : 0));
  const frames = ends.at(-1) ?? 0;
  const stat = (xs: number[]) => (xs.length ? { min: Math.min(...xs), mean: xs.reduce((a, b) => a + b, 0) / xs.length, max: Math.max(...xs) } : { min: 0, mean: 0, max: 0 });
  const lf = stat(lengths);
  const tried = cand.length ? (cand[Math.min(cand.length, ends.length) - 1] ?? 0) + 1 : 0;
  return {
    dir,
    task: attrs.task,
    seed: attrs.seed,
    record_hz: attrs.record_hz,
    points: attrs.points,
    objects: attrs.objects,
    keyposes: { left: attrs.program.arms.left.length, right: attrs.program.arms.right.length },
    episodes: ends.length,
    frames,
    uncommitted_frames: Math.max(0, keys[0].shape[0] - frames),
    length_frames: lf,
    length_s: { min: lf.min / attrs.record_hz, mean: lf.mean / attrs.record_hz, max: lf.max / attrs.record_hz },
    tried,
    kept_ratio: tried ? ends.length / tried : 0,
    keys,
  };
}

/** Episode e's transformed program and placement, rebuilt from meta/ and the source program. */
export async function readEpisode(dir: string, e: number): Promise<{ program: Program; scene: Scene; keyframes: Record<'left' | 'right', number[]>; frames: [number, number] }> {
  const { store, attrs } = await openRoot(dir);
  const ends = Array.from((await readAll(store, 'meta/episode_ends')).data, Number);
  if (!Number.isInteger(e) || e < 0 || e >= ends.length) throw new YotoError(`no episode ${e} (the dataset has ${ends.length})`, dir);
  const row = async (path: string) => {
    const arr = await zarr.open.v3(zarr.root(store).resolve(path), { kind: 'array' });
    const c = await zarr.get(arr, [e, ...arr.shape.slice(1).map(() => null)]);
    return Array.from(c.data as ArrayLike<number>);
  };
  const keyframes = {} as Record<'left' | 'right', number[]>;
  const keyposes = {} as Record<'left' | 'right', number[]>;
  for (const a of ARMS) {
    keyposes[a] = await row(`meta/keyposes_${a}`);
    keyframes[a] = await row(`meta/keyframes_${a}`);
  }
  const p = await row('meta/placement');
  const objects: Scene['objects'] = Object.fromEntries(attrs.objects.map((name, i) => [name, { position: [p[4 * i], p[4 * i + 1], p[4 * i + 2]], yaw: p[4 * i + 3] }]));
  return {
    program: episodeProgram(attrs.program, keyposes),
    scene: { version: SCENE_VERSION, task: attrs.task, frame: 'world', objects },
    keyframes,
    frames: [e ? ends[e - 1] : 0, ends[e]],
  };
}

/** Whole arrays of a dataset, for training: every committed frame of each data/ key and every episode's meta/ row. */
export interface DatasetArrays {
  attrs: DatasetAttrs;
  episodeEnds: number[];
  get(path: DataKey | MetaKey): { data: ArrayLike<number>; shape: number[] };
}

export async function readDatasetArrays(dir: string, paths: readonly (DataKey | MetaKey)[]): Promise<DatasetArrays> {
  const { store, attrs } = await openRoot(dir);
  const episodeEnds = Array.from((await readAll(store, 'meta/episode_ends')).data, Number);
  const frames = episodeEnds.at(-1) ?? 0;
  const arrays = new Map<string, { data: ArrayLike<number>; shape: number[] }>();
  for (const p of paths) {
    const { data, shape } = await readAll(store, p);
    // data/ may hold uncommitted frames past the last episode (a crash); meta/ rows past the last end likewise.
    const rows = p.startsWith('data/') ? frames : episodeEnds.length;
    const row = shape.slice(1).reduce((a, b) => a * b, 1);
    const typed = data as ArrayLike<number> & { subarray?: (a: number, b: number) => ArrayLike<number> };
    const cut = typeof typed.subarray === 'function' ? typed.subarray(0, rows * row) : Array.from(data as ArrayLike<number>).slice(0, rows * row);
    arrays.set(p, { data: cut, shape: [rows, ...shape.slice(1)] });
  }
  return {
    attrs,
    episodeEnds,
    get(path) {
      const a = arrays.get(path);
      if (!a) throw new Error(`readDatasetArrays: ${path} was not requested`);
      return a;
    },
  };
}
