/** Zero-invariant groups found from the LayersModel topology. */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initTf } from '../../tf/index.ts';
import { OTO, countModel } from '../../compress/index.ts';
import * as A from './architectures.ts';

beforeAll(async () => {
  await initTf({ backend: 'cpu' });
});

type T = tf.SymbolicTensor;
const L = tf.layers;

const ownerLayers = (oto: OTO, id: number) => [...new Set(oto.groups[id].owned.map((s) => s.layer))].sort();

describe('dependency graph', () => {
  it('MLP: one group per hidden unit; inputs and outputs unprunable', () => {
    const x = tf.input({ shape: [5] });
    const h = L.dense({ units: 7, activation: 'relu', name: 'g_h' }).apply(x) as T;
    const y = L.dense({ units: 3, name: 'g_y' }).apply(h) as T;
    const oto = new OTO(tf.model({ inputs: x, outputs: y }));
    const prunable = oto.prunableGroups;
    expect(prunable.length).toBe(7);
    for (const z of prunable) {
      expect(z.owned.map((s) => `${s.layer}:${s.weight}:${s.axis}`)).toEqual(['g_h:0:1', 'g_h:1:0']);
      expect(z.consumed.map((s) => `${s.layer}:${s.weight}:${s.axis}:${s.index}`)).toEqual([`g_y:0:0:${z.channels[0].channel}`]);
    }
    const reasons = oto.groups.filter((z) => !z.prunable).map((z) => z.reason);
    expect(reasons.filter((r) => r === 'model input').length).toBe(5);
    expect(reasons.filter((r) => r === 'reaches a model output').length).toBe(3);
  });

  it('sigmoid units fold into the next Dense bias; into a conv they are not zero-invariant', () => {
    const x = tf.input({ shape: [6, 5] });
    const s = L.dense({ units: 4, activation: 'sigmoid', name: 'g_sig' }).apply(x) as T;
    const d = L.dense({ units: 3, name: 'g_after_sig' }).apply(s) as T;
    const s2 = L.dense({ units: 4, activation: 'sigmoid', name: 'g_sig2' }).apply(d) as T;
    const y = L.conv1d({ filters: 2, kernelSize: 3, padding: 'same', name: 'g_conv' }).apply(s2) as T;
    const oto = new OTO(tf.model({ inputs: x, outputs: y }));
    const sig = oto.groups.filter((z) => z.owned.some((o) => o.layer === 'g_sig'));
    expect(sig.length).toBe(4);
    for (const z of sig) {
      expect(z.prunable).toBe(true);
      expect(z.folds).toEqual([{ slice: z.consumed[0], value: 0.5 }]);
    }
    const sig2 = oto.groups.filter((z) => z.owned.some((o) => o.layer === 'g_sig2'));
    expect(sig2.every((z) => !z.prunable && /not zero-invariant.*g_conv/.test(z.reason ?? ''))).toBe(true);
  });

  it('softmax and LayerNorm are never pruned', () => {
    const x = tf.input({ shape: [5] });
    let h = L.dense({ units: 6, name: 'g_pre_ln' }).apply(x) as T;
    h = L.layerNormalization({ name: 'g_ln' }).apply(h) as T;
    h = L.dense({ units: 6, name: 'g_pre_sm' }).apply(h) as T;
    h = L.activation({ activation: 'softmax', name: 'g_sm' }).apply(h) as T;
    const y = L.dense({ units: 2, name: 'g_out' }).apply(h) as T;
    const oto = new OTO(tf.model({ inputs: x, outputs: y }));
    expect(oto.prunableGroups.length).toBe(0);
    const ln = oto.groups.filter((z) => z.owned.some((o) => o.layer === 'g_ln'));
    expect(ln.length).toBe(1);
    expect(ln[0].reason).toMatch(/every channel/);
    const sm = oto.groups.filter((z) => z.owned.some((o) => o.layer === 'g_pre_sm'));
    expect(sm.every((z) => /g_sm/.test(z.reason ?? ''))).toBe(true);
  });

  it('an unsupported layer is named in a warning and left unpruned, without crashing', async () => {
    const x = tf.input({ shape: [4, 6] });
    let h = L.dense({ units: 8, activation: 'relu', name: 'g_before' }).apply(x) as T;
    h = L.permute({ dims: [2, 1], name: 'g_permute' }).apply(h) as T;
    h = L.dense({ units: 5, activation: 'relu', name: 'g_after' }).apply(h) as T;
    h = L.flatten({ name: 'g_flat' }).apply(h) as T;
    const y = L.dense({ units: 2, name: 'g_y2' }).apply(h) as T;
    const model = tf.model({ inputs: x, outputs: y });
    const oto = new OTO(model);
    expect(oto.warnings.length).toBe(1);
    expect(oto.warnings[0]).toMatch(/'g_permute' \(Permute\)/);
    expect(oto.groups.filter((z) => z.owned.some((o) => o.layer === 'g_before')).every((z) => !z.prunable)).toBe(true);
    // g_after's units pass Flatten into g_y2: prunable, 4 flattened inputs per unit.
    const after = oto.prunableGroups.filter((z) => z.owned.some((o) => o.layer === 'g_after'));
    expect(after.length).toBe(5);
    expect(after[0].consumed.length).toBe(8);
    oto.randomZeroGroups(0.4, 1);
    const xs = tf.randomNormal([2, 4, 6], 0, 1, 'float32', 1);
    const { model: sub } = await oto.constructSubnet();
    const d = tf.max(tf.abs(tf.sub(model.predict(xs) as tf.Tensor, sub.predict(xs) as tf.Tensor))).dataSync()[0];
    expect(d).toBeLessThan(1e-5);
  });

  it('squeeze-and-excitation ties the gate units to the gated channels', () => {
    const oto = new OTO(A.squeezeExcite());
    const gated = oto.prunableGroups.filter((z) => z.owned.some((o) => o.layer.startsWith('excite')));
    expect(gated.length).toBe(8);
    for (const z of gated) expect(ownerLayers(oto, z.id).map((n) => n.replace(/_\d+$/, ''))).toEqual(['bn', 'conv', 'excite']);
  });

  it('GroupNorm makes a whole norm group one unit; FiLM owns two kernel columns per channel', () => {
    const oto = new OTO(A.temporalUnet({ width: 8 }));
    const film = oto.prunableGroups.filter((z) => z.owned.some((o) => o.layer.startsWith('film')));
    expect(film.length).toBeGreaterThan(0);
    for (const z of film) {
      const convOut = z.owned.filter((o) => o.layer.startsWith('conv1d') && o.weight === 0);
      // width 8 / 4 norm groups: 2 channels per unit (more where a residual add ties blocks).
      expect(convOut.length % 2).toBe(0);
      // Per FiLM layer: kernel columns c and C + c, bias c and C + c for each of its channels here.
      const films = [...new Set(z.owned.filter((o) => o.layer.startsWith('film')).map((o) => o.layer))];
      for (const f of films) {
        const chans = z.channels.filter((c) => c.tensor.startsWith(`${f}/`)).length;
        expect(z.owned.filter((o) => o.layer === f && o.weight === 0 && o.axis === 1).length).toBe(2 * chans);
        expect(z.owned.filter((o) => o.layer === f && o.weight === 1).length).toBe(2 * chans);
      }
    }
  });

  it('Concatenate offsets: a DenseNet layer output keeps its own group through the concat', () => {
    const oto = new OTO(A.densenet());
    const cats = oto.prunableGroups.filter((z) => z.channels.some((c) => c.tensor.startsWith('cat')));
    expect(cats.length).toBe(6 + 4 + 4);
  });

  it('shared layers tie the tensors they read and write', () => {
    const a = tf.input({ shape: [4] });
    const b = tf.input({ shape: [4] });
    const pre = L.dense({ units: 4, activation: 'relu', name: 'g_pre' });
    const shared = L.dense({ units: 6, activation: 'relu', name: 'g_shared' });
    const ha = shared.apply(pre.apply(a) as T) as T;
    const hb = shared.apply(b) as T;
    const y = L.dense({ units: 1, name: 'g_sum' }).apply(L.add().apply([ha, hb]) as T) as T;
    const oto = new OTO(tf.model({ inputs: [a, b], outputs: y }));
    // g_pre's units feed g_shared's kernel rows, which b's channels also use: not prunable.
    expect(oto.groups.filter((z) => z.owned.some((o) => o.layer === 'g_pre')).every((z) => !z.prunable)).toBe(true);
    expect(oto.prunableGroups.length).toBe(6);
  });

  it('a frozen layer keeps its channels', () => {
    const x = tf.input({ shape: [5] });
    const frozen = L.dense({ units: 6, activation: 'relu', name: 'g_frozen', trainable: false });
    const h = L.dense({ units: 4, activation: 'relu', name: 'g_free' }).apply(frozen.apply(x) as T) as T;
    const oto = new OTO(tf.model({ inputs: x, outputs: L.dense({ units: 1 }).apply(h) as T }));
    expect(oto.prunableGroups.map((z) => z.owned[0].layer)).toEqual(['g_free', 'g_free', 'g_free', 'g_free']);
    expect(oto.groups.find((z) => z.owned.some((o) => o.layer === 'g_frozen'))!.reason).toMatch(/frozen/);
  });

  it('counts parameters and MACs per layer', () => {
    const model = A.vgg();
    const c = countModel(model);
    expect(c.params).toBe(model.countParams());
    const conv = c.layers.find((l) => l.className === 'Conv2D')!;
    expect(conv.macs).toBe(8 * 8 * 8 * 3 * 3 * 3);
    const dense = c.layers.find((l) => l.className === 'Dense')!;
    expect(dense.macs).toBe(4 * 4 * 12 * 10);
  });
});
