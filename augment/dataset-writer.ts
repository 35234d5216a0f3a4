/**
 * Appends verified episodes to a Zarr replay buffer so that a crash never exposes a half-written
 * episode. Per episode:
 *   1. write the chunks of every data/ and meta/ array, as if the arrays were already longer
 *      (committed frames in a shared edge chunk are rewritten unchanged, atomically);
 *   2. write the new shapes into every array's zarr.json except meta/episode_ends;
 *   3. write meta/episode_ends/zarr.json with one more episode — the commit point.
 * `meta/episode_ends` is authoritative: on open, anything past its last end (frames after a crash
 * between 2 and 3, chunks written in 1) is cut away, so a resumed run rewrites exactly the bytes
 * an uninterrupted one would have.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as zarr from 'zarrita';
import { YotoError } from '../core/errors.ts';
import { parseWith } from '../core/read.ts';
import {
  BYTES, DATA_KEYS, DatasetAttrsSchema, META_CHUNK_EPISODES, META_KEYS, dataChunkFrames, layoutSizes,
  type DataKey, type DatasetAttrs, type Dtype, type KeySpec, type LayoutSizes, type MetaKey,
} from './dataset-layout.ts';
import { AtomicFileStore } from './zarr-store.ts';

export type Column = Float32Array | Float64Array | Int16Array | Int32Array | BigInt64Array;

/** One verified episode, ready to append: `data` rows are frames, `meta` holds one row. */
export interface EpisodeRows {
  frames: number;
  data: Record<DataKey, Column>;
  meta: Record<Exclude<MetaKey, 'meta/episode_ends'>, Column>;
}

/** Stages of an append, for crash tests: called before each stage starts. */
export type CommitStage = 'chunks' | 'shapes' | 'commit';

interface ArrayState {
  spec: KeySpec;
  row: number[];
  chunk0: number;
  /** Committed length along the first axis. */
  length: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function arrayMetadata(spec: KeySpec, shape: number[], chunk0: number): Record<string, unknown> {
  return {
    zarr_format: 3,
    node_type: 'array',
    shape,
    data_type: spec.dtype,
    chunk_grid: { name: 'regular', configuration: { chunk_shape: [chunk0, ...shape.slice(1).map((d) => Math.max(1, d))] } },
    chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
    codecs: [{ name: 'bytes', configuration: { endian: 'little' } }],
    fill_value: 0,
    dimension_names: spec.dims,
    attributes: { description: spec.description },
  };
}

function chunkRows(spec: KeySpec, row: number[]): number {
  if (spec.path.startsWith('meta/')) return META_CHUNK_EPISODES;
  return dataChunkFrames(row.reduce((a, b) => a * b, 1) * BYTES[spec.dtype]);
}

function zeros(dtype: Dtype, n: number): Column {
  switch (dtype) {
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'int16': return new Int16Array(n);
    case 'int32': return new Int32Array(n);
    case 'int64': return new BigInt64Array(n);
  }
}

const strides = (shape: number[]): number[] => shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));

export class DatasetWriter {
  private constructor(
    readonly dir: string,
    readonly attrs: DatasetAttrs,
    private readonly store: AtomicFileStore,
    private readonly arrays: Map<string, ArrayState>,
    private ends: number[],
    private candidates: number[],
  ) {}

  /** Episodes committed. */
  get episodes(): number {
    return this.ends.length;
  }

  /** Frames committed. */
  get frames(): number {
    return this.ends.at(-1) ?? 0;
  }

  /** Candidate index of the last committed episode, or −1. */
  get lastCandidate(): number {
    return this.candidates.at(-1) ?? -1;
  }

  /** Open `dir` to append: create it if absent or empty; otherwise check it was made with `attrs` and cut it back to its committed episodes. */
  static async openOrCreate(dir: string, attrs: DatasetAttrs): Promise<DatasetWriter> {
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new YotoError('exists and is not a folder; choose another --out', dir);
    const entries = existsSync(dir) ? readdirSync(dir) : [];
    if (entries.length > 0 && !entries.includes('zarr.json')) {
      // A creation cut short leaves only data/ and meta/ (the root zarr.json comes last): start over.
      if (entries.every((e) => e === 'data' || e === 'meta')) for (const e of entries) rmSync(join(dir, e), { recursive: true, force: true });
      else throw new YotoError('exists and is not a yoto dataset (no zarr.json); choose another --out', dir);
    }
    const empty = !existsSync(join(dir, 'zarr.json'));
    if (empty) return DatasetWriter.create(dir, attrs);
    const w = await DatasetWriter.open(dir);
    assertSameRecipe(w.attrs, attrs, dir);
    return w;
  }

  static async create(dir: string, attrs: DatasetAttrs): Promise<DatasetWriter> {
    const store = new AtomicFileStore(dir);
    const root = zarr.root(store);
    await zarr.create(root.resolve('data'));
    await zarr.create(root.resolve('meta'));
    const sizes = layoutSizes(attrs);
    const arrays = new Map<string, ArrayState>();
    for (const spec of [...DATA_KEYS, ...META_KEYS] as KeySpec[]) {
      const row = spec.row(sizes);
      const st: ArrayState = { spec, row, chunk0: chunkRows(spec, row), length: 0 };
      arrays.set(spec.path, st);
      await writeJson(store, `/${spec.path}/zarr.json`, arrayMetadata(spec, [0, ...row], st.chunk0));
    }
    // The root group last: its presence marks a complete (if empty) dataset.
    await writeJson(store, '/zarr.json', { zarr_format: 3, node_type: 'group', attributes: { yoto: attrs } });
    return new DatasetWriter(dir, attrs, store, arrays, [], []);
  }

  /** Open an existing dataset for appending, cutting away anything after its last committed episode. */
  static async open(dir: string): Promise<DatasetWriter> {
    removeTempFiles(dir);
    const store = new AtomicFileStore(dir);
    const root = await readJson(store, '/zarr.json', dir);
    const attrs = parseWith(DatasetAttrsSchema, (root.attributes as Record<string, unknown> | undefined)?.yoto, `${dir}/zarr.json: attributes.yoto`);
    const sizes: LayoutSizes = layoutSizes(attrs);
    const arrays = new Map<string, ArrayState>();
    for (const spec of [...DATA_KEYS, ...META_KEYS] as KeySpec[]) {
      const meta = await readJson(store, `/${spec.path}/zarr.json`, dir);
      const shape = meta.shape as number[];
      const row = spec.row(sizes);
      const chunk0 = (meta.chunk_grid as { configuration: { chunk_shape: number[] } }).configuration.chunk_shape[0];
      if (meta.data_type !== spec.dtype || shape.length !== row.length + 1 || row.some((d, i) => d !== shape[i + 1]))
        throw new YotoError(`${spec.path} has shape [${shape}] ${String(meta.data_type)}, expected [n, ${row}] ${spec.dtype}`, dir);
      arrays.set(spec.path, { spec, row, chunk0, length: shape[0] });
    }
    const endsState = arrays.get('meta/episode_ends')!;
    const endsArr = await zarr.open.v3(zarr.root(store).resolve('meta/episode_ends'), { kind: 'array' });
    const ends = endsState.length ? Array.from((await zarr.get(endsArr)).data as BigInt64Array, Number) : [];
    const candArr = await zarr.open.v3(zarr.root(store).resolve('meta/candidate'), { kind: 'array' });
    const w = new DatasetWriter(dir, attrs, store, arrays, ends, []);
    await w.truncate();
    w.candidates = w.episodes ? Array.from((await zarr.get(candArr, [zarr.slice(0, w.episodes)])).data as Int32Array) : [];
    return w;
  }

  /** Cut every array back to the committed episodes, edge chunks cleared past the end. */
  private async truncate(): Promise<void> {
    const E = this.episodes;
    const N = this.frames;
    for (const st of this.arrays.values()) {
      const keep = st.spec.path.startsWith('data/') ? N : E;
      if (st.length < keep) throw new YotoError(`${st.spec.path} has ${st.length} rows but meta/episode_ends says ${keep}; the dataset is damaged`, this.dir);
      // Whole chunks past the end go; the edge chunk is refilled with zeros past the end.
      const firstGone = Math.ceil(keep / st.chunk0);
      const cdir = join(this.dir, st.spec.path, 'c');
      if (existsSync(cdir)) for (const name of readdirSync(cdir)) if (Number(name) >= firstGone) rmSync(join(cdir, name), { recursive: true, force: true });
      if (keep % st.chunk0 !== 0) {
        const edgeEnd = firstGone * st.chunk0;
        const rows = edgeEnd - keep;
        const arr = this.handle(st, edgeEnd);
        const shape = [rows, ...st.row];
        await zarr.set(arr, [zarr.slice(keep, edgeEnd), ...st.row.map(() => null)], { data: zeros(st.spec.dtype, shape.reduce((a, b) => a * b, 1)), shape, stride: strides(shape) } as never);
      }
      if (st.length !== keep) {
        st.length = keep;
        await writeJson(this.store, `/${st.spec.path}/zarr.json`, arrayMetadata(st.spec, [keep, ...st.row], st.chunk0));
      }
    }
  }

  /** A zarrita handle on an array as if it had `length` rows (no metadata written). */
  private handle(st: ArrayState, length: number): zarr.Array<zarr.DataType, AtomicFileStore> {
    return new zarr.Array(this.store, `/${st.spec.path}`, arrayMetadata(st.spec, [length, ...st.row], st.chunk0) as never);
  }

  private async writeRows(st: ArrayState, start: number, rows: number, data: Column): Promise<void> {
    const shape = [rows, ...st.row];
    const n = shape.reduce((a, b) => a * b, 1);
    if (data.length !== n) throw new Error(`${st.spec.path}: expected ${n} values for ${rows} rows, got ${data.length}`);
    if (n === 0) return;
    const arr = this.handle(st, start + rows);
    await zarr.set(arr, [zarr.slice(start, start + rows), ...st.row.map(() => null)], { data, shape, stride: strides(shape) } as never);
  }

  /** Append one episode; it is visible only once this resolves. */
  async append(ep: EpisodeRows, candidate: number, onStage?: (stage: CommitStage, episode: number) => void): Promise<void> {
    const E = this.episodes;
    const N = this.frames;
    const T = ep.frames;
    if (!(T > 0)) throw new Error('an episode needs at least one frame');
    onStage?.('chunks', E);
    for (const spec of DATA_KEYS) await this.writeRows(this.arrays.get(spec.path)!, N, T, ep.data[spec.path]);
    for (const spec of META_KEYS) {
      const col = spec.path === 'meta/episode_ends' ? BigInt64Array.of(BigInt(N + T)) : ep.meta[spec.path];
      await this.writeRows(this.arrays.get(spec.path)!, E, 1, col);
    }
    onStage?.('shapes', E);
    for (const st of this.arrays.values()) {
      if (st.spec.path === 'meta/episode_ends') continue;
      st.length = st.spec.path.startsWith('data/') ? N + T : E + 1;
      await writeJson(this.store, `/${st.spec.path}/zarr.json`, arrayMetadata(st.spec, [st.length, ...st.row], st.chunk0));
    }
    onStage?.('commit', E);
    const ends = this.arrays.get('meta/episode_ends')!;
    ends.length = E + 1;
    await writeJson(this.store, '/meta/episode_ends/zarr.json', arrayMetadata(ends.spec, [E + 1], ends.chunk0));
    this.ends.push(N + T);
    this.candidates.push(candidate);
  }
}

/** A resumed run must make the same dataset: same task, program, placement, seed and recording. */
function assertSameRecipe(have: DatasetAttrs, want: DatasetAttrs, dir: string): void {
  for (const k of ['task', 'program', 'scene', 'seed', 'record_hz', 'control_hz', 'camera', 'ranges', 'points'] as const) {
    if (JSON.stringify(have[k]) !== JSON.stringify(want[k]))
      throw new YotoError(`was made with a different ${k} (${short(have[k])}, now ${short(want[k])}); resume with the same flags or choose another --out`, dir);
  }
}

function short(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

async function writeJson(store: AtomicFileStore, key: `/${string}`, value: unknown): Promise<void> {
  await store.set(key, encoder.encode(JSON.stringify(value, null, 2)));
}

async function readJson(store: AtomicFileStore, key: `/${string}`, dir: string): Promise<Record<string, unknown>> {
  const b = await store.get(key);
  if (!b) throw new YotoError(`missing ${key.slice(1)}; not a yoto dataset or damaged`, dir);
  try {
    return JSON.parse(decoder.decode(b)) as Record<string, unknown>;
  } catch {
    throw new YotoError(`${key.slice(1)} is not valid JSON; the dataset is damaged`, dir);
  }
}

/** Temp files of atomic writes that a crash left behind. */
function removeTempFiles(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.startsWith('.') && e.name.endsWith('.tmp')) rmSync(join(e.parentPath, e.name), { force: true });
  }
}
