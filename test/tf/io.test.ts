/**
 * saveModel / loadLayersModel (tf/model-files.ts): a folder round trip gives identical
 * outputs; broken folders fail with one clear line.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, initTf, loadLayersModel, loadTensors, saveModel, saveTensors, MODEL_JSON, WEIGHTS_BIN } from '../../tf/index.ts';
import { YotoError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { randn } from './tf-compare.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'yoto-tf-io-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  await initTf({ backend: 'wasm' });
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function model(): tf.LayersModel {
  const input = tf.input({ shape: [12, 3] });
  let h = tf.layers.conv1d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  h = tf.layers.layerNormalization().apply(h) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
  h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2 }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

describe('saveModel / loadLayersModel', () => {
  it('round trip: same topology, same weights, identical outputs (after training)', async () => {
    const rng = new Rng(41);
    const m = model();
    m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const x = randn(rng, [7, 12, 3]);
    const y = randn(rng, [7, 2]);
    await m.fit(x, y, { epochs: 2, batchSize: 7, verbose: 0 }); // moves BatchNorm statistics too
    const dir = tmp();
    const saved = await saveModel(m, dir);
    expect(readdirSync(dir).sort()).toEqual([MODEL_JSON, WEIGHTS_BIN]);
    expect(readFileSync(join(dir, WEIGHTS_BIN)).byteLength).toBe(saved.weightsBytes);
    expect(saved.weightsBytes).toBe(m.countParams() * 4); // float32, BatchNorm moving statistics included

    const loaded = await loadLayersModel(dir);
    expect(JSON.stringify(loaded.toJSON(null, false))).toBe(JSON.stringify(m.toJSON(null, false)));
    const a = (m.predict(x) as tf.Tensor).dataSync();
    const b = (loaded.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
    // The path of model.json works as well as the folder.
    const again = await loadLayersModel(join(dir, MODEL_JSON));
    expect(Array.from((again.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(a));
    tf.dispose([x, y]);
  });

  it('saving again replaces the files and leaves no temp files', async () => {
    const dir = tmp();
    const m = model();
    await saveModel(m, dir);
    m.setWeights(m.getWeights().map((w) => tf.add(w, 1)));
    await saveModel(m, dir);
    expect(readdirSync(dir).sort()).toEqual([MODEL_JSON, WEIGHTS_BIN]);
    const loaded = await loadLayersModel(dir);
    const w0 = loaded.getWeights()[0].dataSync();
    expect(Array.from(w0)).toEqual(Array.from(m.getWeights()[0].dataSync()));
  });

  it('a missing folder, a truncated weights file or a bad model.json is a YotoError naming the place', async () => {
    const missing = join(tmp(), 'nope');
    await expect(loadLayersModel(missing)).rejects.toThrow(YotoError);
    await expect(loadLayersModel(missing)).rejects.toThrow(/nope.*not found/);

    const dir = tmp();
    await saveModel(model(), dir);
    truncateSync(join(dir, WEIGHTS_BIN), 8);
    await expect(loadLayersModel(dir)).rejects.toThrow(/weights are 8 bytes.*expects/);

    writeFileSync(join(dir, MODEL_JSON), JSON.stringify({ modelTopology: {} }));
    await expect(loadLayersModel(dir)).rejects.toThrow(/weightsManifest/);
  });
});

describe('saveTensors / loadTensors', () => {
  it('round-trips an Adam optimizer state and tensors of every dtype exactly', async () => {
    const rng = new Rng(51);
    const m = model();
    const opt = tf.train.adam(1e-3);
    const x = randn(rng, [4, 12, 3]);
    const y = randn(rng, [4, 2]);
    opt.minimize(() => tf.losses.meanSquaredError(y, m.apply(x) as tf.Tensor) as tf.Scalar);
    const state = await opt.getWeights();
    const named: Record<string, tf.Tensor> = Object.fromEntries(state.map((w) => [w.name, w.tensor]));
    named['steps'] = tf.tensor1d([7, -3], 'int32');
    named['mask'] = tf.tensor2d([[true, false, true]], [1, 3], 'bool');
    const file = join(tmp(), 'state.tensors');
    await saveTensors(file, named);
    const back = loadTensors(file);
    expect(Object.keys(back).sort()).toEqual(Object.keys(named).sort());
    for (const [k, t] of Object.entries(named)) {
      expect(back[k].dtype).toBe(t.dtype);
      expect(back[k].shape).toEqual(t.shape);
      expect(Array.from(back[k].dataSync())).toEqual(Array.from(t.dataSync()));
    }
    // The state loads back into a fresh optimizer.
    const opt2 = tf.train.adam(1e-3);
    await opt2.setWeights(state.map((w) => ({ name: w.name, tensor: back[w.name] })));
    expect((await opt2.getWeights()).length).toBe(state.length);
    tf.dispose([x, y]);
  });

  it('a truncated or foreign file is a YotoError', async () => {
    const file = join(tmp(), 'a.tensors');
    await saveTensors(file, { w: tf.ones([10, 10]) });
    truncateSync(file, 100);
    expect(() => loadTensors(file)).toThrow(/truncated/);
    writeFileSync(file, 'hello world, not tensors');
    expect(() => loadTensors(file)).toThrow(/not a yoto tensor file/);
    expect(() => loadTensors(join(tmp(), 'none'))).toThrow(YotoError);
  });
});
