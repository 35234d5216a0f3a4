import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DETECTOR_ENTRY, LANDMARKS_ENTRY, PALM_RANGES, buildHandLandmarkerBundle, ensureHandLandmarkerBundle,
  handsPackageDir, loadHandLandmarkerTask, resolveHandModel,
} from '../../perception/mediapipe/model-bundle.ts';
import { crc32, listZip, writeZipStore } from '../../perception/mediapipe/zip-store.ts';
import { readModelMetadata, withModelMetadata, imageInputMetadata } from '../../perception/mediapipe/tflite-metadata.ts';
import { FbReader } from '../../perception/mediapipe/flatbuffer.ts';
import { isYotoError } from '../../core/errors.ts';

/** Decode the ModelMetadata written for an image input (field ids from metadata_schema.fbs). */
function decodeImageMetadata(bytes: Uint8Array) {
  const r = new FbReader(bytes);
  const root = r.root();
  const [subgraph] = r.tableVector(root, 3);
  const [input] = r.tableVector(subgraph, 2);
  const content = r.ref(input, 3)!;
  const contentType = r.view.getUint8(r.field(content, 0)!);
  const imageProps = r.ref(content, 1)!;
  const colorSpace = r.view.getInt8(r.field(imageProps, 0)!);
  const [unit] = r.tableVector(input, 4);
  const unitType = r.view.getUint8(r.field(unit, 0)!);
  const norm = r.ref(unit, 1)!;
  const floats = (id: number) => {
    const v = r.ref(norm, id)!;
    return Array.from({ length: r.view.getUint32(v, true) }, (_, i) => r.view.getFloat32(v + 4 + 4 * i, true));
  };
  return { identifier: r.identifier(), name: r.string(root, 0), inputName: r.string(input, 0), contentType, colorSpace, unitType, mean: floats(0), std: floats(1) };
}

/** The TFLite Model fields we rely on: version, operator code / subgraph / buffer counts. */
function modelSummary(bytes: Uint8Array) {
  const r = new FbReader(bytes);
  const root = r.root();
  const buffers = r.tableVector(root, 4);
  return {
    identifier: r.identifier(),
    version: r.u32(root, 0),
    operatorCodes: r.tableVector(root, 1).length,
    subgraphs: r.tableVector(root, 2).length,
    buffers: buffers.length,
    bufferSizes: buffers.map((b) => r.byteVector(b, 0)?.length ?? 0),
    metadataNames: r.tableVector(root, 6).map((m) => r.string(m, 0)),
  };
}

describe('offline hand_landmarker.task bundle', () => {
  let cache: string;
  beforeAll(() => {
    cache = mkdtempSync(join(tmpdir(), 'yoto-model-cache-'));
  });
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  it('the palm detector byte ranges agree with the package loader', () => {
    const loader = readFileSync(join(handsPackageDir(), 'hands_solution_packed_assets_loader.js'), 'utf8');
    for (const v of ['full', 'lite'] as const) {
      expect(loader).toContain(`palm_detection_${v}.tflite", "start": ${PALM_RANGES[v].start}, "end": ${PALM_RANGES[v].end}`);
    }
  });

  it('adds metadata without disturbing the model', () => {
    const original = readFileSync(join(handsPackageDir(), 'hand_landmark_lite.tflite'));
    const meta = imageInputMetadata({ name: 'm', mean: [0], std: [255] });
    const edited = withModelMetadata(original, meta);
    const a = modelSummary(original);
    const b = modelSummary(edited);
    expect(b.identifier).toBe('TFL3');
    expect(b.version).toBe(a.version);
    expect(b.operatorCodes).toBe(a.operatorCodes);
    expect(b.subgraphs).toBe(a.subgraphs);
    expect(b.buffers).toBe(a.buffers + 1);
    expect(b.bufferSizes.slice(0, -1)).toEqual(a.bufferSizes);
    expect(b.metadataNames).toEqual([...a.metadataNames, 'TFLITE_METADATA']);
    expect(Array.from(readModelMetadata(edited)!)).toEqual(Array.from(meta));
    // The original bytes follow the new root, 64-byte aligned, untouched.
    const at = edited.length - original.length;
    expect(at % 64).toBe(0);
    expect(Buffer.compare(Buffer.from(edited.subarray(at)), original)).toBe(0);
    // Replacing keeps one entry of the name.
    const again = withModelMetadata(edited, imageInputMetadata({ name: 'n', mean: [1], std: [2] }));
    expect(modelSummary(again).metadataNames.filter((n) => n === 'TFLITE_METADATA')).toHaveLength(1);
    expect(decodeImageMetadata(readModelMetadata(again)!).name).toBe('n');
  });

  it('writes stored, aligned zip entries with correct CRCs', () => {
    const entries = [{ name: 'a.bin', data: new Uint8Array([1, 2, 3]) }, { name: 'bb.txt', data: new TextEncoder().encode('hello') }];
    const zip = writeZipStore(entries);
    const list = listZip(zip);
    expect(list.map((e) => e.name)).toEqual(['a.bin', 'bb.txt']);
    for (const [i, e] of list.entries()) {
      expect(e.method).toBe(0);
      expect(e.dataOffset % 64).toBe(0);
      expect(Array.from(zip.subarray(e.dataOffset, e.dataOffset + e.size))).toEqual(Array.from(entries[i].data));
      expect(e.crc).toBe(crc32(entries[i].data));
    }
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  for (const variant of ['lite', 'full'] as const) {
    it(`builds the ${variant} bundle deterministically with metadata on both models`, () => {
      const bundle = buildHandLandmarkerBundle(variant);
      expect(Buffer.compare(Buffer.from(bundle), Buffer.from(buildHandLandmarkerBundle(variant)))).toBe(0);
      const list = listZip(bundle);
      expect(list.map((e) => e.name).sort()).toEqual([DETECTOR_ENTRY, LANDMARKS_ENTRY].sort());
      for (const e of list) {
        expect(e.method).toBe(0);
        const model = bundle.subarray(e.dataOffset, e.dataOffset + e.size);
        expect(crc32(model)).toBe(e.crc);
        const meta = decodeImageMetadata(readModelMetadata(model)!);
        expect(meta).toMatchObject({ identifier: 'M001', inputName: 'image', contentType: 2, colorSpace: 1, unitType: 1, mean: [0], std: [255] });
      }
    });
  }

  it('caches the bundle, checks its hash and rebuilds a corrupt cache', () => {
    const first = ensureHandLandmarkerBundle('lite', cache);
    expect(first.built).toBe(true);
    expect(existsSync(first.path)).toBe(true);
    const second = ensureHandLandmarkerBundle('lite', cache);
    expect(second.built).toBe(false);
    expect(second.sha256).toBe(first.sha256);
    // Flip one byte in the middle: same size, wrong hash.
    const bytes = readFileSync(first.path);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(first.path, bytes);
    const third = ensureHandLandmarkerBundle('lite', cache);
    expect(third.built).toBe(true);
    expect(third.sha256).toBe(first.sha256);
    expect(readFileSync(first.path).equals(Buffer.from(first.bytes))).toBe(true);
    expect(resolveHandModel('lite', cache).built).toBe(false);
  });

  it('accepts a user .task bundle and refuses files that are not one', () => {
    const good = join(cache, 'mine.task');
    writeFileSync(good, buildHandLandmarkerBundle('lite'));
    expect(resolveHandModel(good, cache).name).toBe(good);
    const notZip = join(cache, 'junk.task');
    writeFileSync(notZip, 'not a zip at all');
    const wrongZip = join(cache, 'other.task');
    writeFileSync(wrongZip, writeZipStore([{ name: 'face_detector.tflite', data: new Uint8Array(8) }]));
    for (const [path, msg] of [[notZip, /not a MediaPipe \.task bundle/], [wrongZip, /no hand_detector\.tflite inside/], [join(cache, 'missing.task'), /cannot read/]] as const) {
      let err: unknown;
      try {
        loadHandLandmarkerTask(path);
      } catch (e) {
        err = e;
      }
      expect(isYotoError(err)).toBe(true);
      expect((err as Error).message).toMatch(msg);
      expect((err as Error).message).toContain(path);
    }
  });
});
