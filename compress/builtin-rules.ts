/**
 * Channel rules for the tf.layers classes compress/ understands. Everything is channels-last
 * (the tf.layers default); a layer configured channels-first is treated as untraceable.
 * Anything not listed here or registered as custom is untraceable: its channels stay unpruned.
 */
import { activationValue, isChannelMixing } from './activation-values.ts';
import { blockAll, passThrough, perItem, type ChannelRule, type RuleContext, type ZeroRule } from './channel-rules.ts';

const identity: ZeroRule = { kind: 'map', f: (v) => v };

function channelsFirst(ctx: RuleContext): boolean {
  return ctx.config.dataFormat === 'channelsFirst';
}

/** The value a stem's zeroed output takes: its activation at zero (relu: 0, sigmoid: 0.5). */
function stemZero(ctx: RuleContext): ZeroRule {
  const f = activationValue(ctx.config.activation);
  return { kind: 'fresh', value: f ? f(0) : null };
}

/**
 * A layer whose output channels are made by its own weights (Dense, ConvND): each output
 * channel owns its kernel column and bias; each input channel is consumed by its kernel row.
 */
function stem(ctx: RuleContext, kernelName: string, inAxisFromEnd: number, outAxisFromEnd: number): void {
  if (channelsFirst(ctx) || isChannelMixing(ctx.config.activation)) {
    blockAll(ctx, `${ctx.className} '${ctx.layer.name}' is channels-first or uses softmax`);
    return;
  }
  const k = ctx.weight(kernelName);
  const b = ctx.weight('bias');
  const rank = ctx.layer.weights[k]?.shape.length ?? 0;
  const inAxis = rank - inAxisFromEnd;
  const outAxis = rank - outAxisFromEnd;
  const input = ctx.inputs[0];
  const out = ctx.outputs[0];
  for (let c = 0; c < input.channels; c++) ctx.consume(0, c, k, inAxis, c);
  const zero = stemZero(ctx);
  for (let o = 0; o < out.channels; o++) {
    ctx.own(0, o, k, outAxis, o);
    if (b >= 0) ctx.own(0, o, b, 0, o);
    ctx.setZeroRule(0, o, zero);
  }
}

const kernelVolume = (ctx: { layer: { weights: { shape: (number | null)[] }[] } }, w: number, skipLast: number) => {
  const s = ctx.layer.weights[w]?.shape ?? [];
  let n = 1;
  for (let i = 0; i < s.length - skipLast; i++) n *= s[i] ?? 1;
  return n;
};

const dense: ChannelRule = {
  analyse: (ctx) => stem(ctx, 'kernel', 2, 1),
  resize: (cfg, n) => ({ ...cfg, units: n }),
  macs: (layer, ins, outs) => perItem(outs[0]) * ((ins[0][ins[0].length - 1] as number) ?? 0),
};

const conv: ChannelRule = {
  analyse: (ctx) => stem(ctx, 'kernel', 2, 1),
  resize: (cfg, n) => ({ ...cfg, filters: n }),
  // Each output element: kernel window × input channels.
  macs: (layer, ins, outs) => perItem(outs[0]) * kernelVolume({ layer }, 0, 1),
};

const convTranspose: ChannelRule = {
  // kernel [kh, kw, out, in]
  analyse: (ctx) => stem(ctx, 'kernel', 1, 2),
  resize: (cfg, n) => ({ ...cfg, filters: n }),
  // Each input element scatters into kh·kw·out outputs.
  macs: (layer, ins) => {
    const k = layer.weights[0]?.shape ?? [];
    return perItem(ins[0]) * (k[0] ?? 1) * (k[1] ?? 1) * (k[2] ?? 1);
  },
};

/** Depthwise: output channel c·m + j comes from input channel c and its own filter j. */
const depthwise: ChannelRule = {
  analyse(ctx) {
    if (channelsFirst(ctx) || isChannelMixing(ctx.config.activation)) {
      blockAll(ctx, `${ctx.className} '${ctx.layer.name}' is channels-first or uses softmax`);
      return;
    }
    const k = ctx.weight('depthwise_kernel');
    const b = ctx.weight('bias');
    const m = Number(ctx.config.depthMultiplier ?? 1);
    const zero = stemZero(ctx);
    for (let c = 0; c < ctx.inputs[0].channels; c++) {
      for (let j = 0; j < m; j++) {
        const o = c * m + j;
        ctx.tie(0, c, 0, o);
        ctx.own(0, o, k, 2, c);
        if (b >= 0) ctx.own(0, o, b, 0, o);
        ctx.setZeroRule(0, o, zero);
      }
    }
  },
  macs: (layer, ins, outs) => {
    const k = layer.weights[0]?.shape ?? [];
    return perItem(outs[0]) * (k[0] ?? 1) * (k[1] ?? 1);
  },
};

/** Separable: input channel c is consumed by its depthwise filters and their pointwise rows. */
const separable: ChannelRule = {
  analyse(ctx) {
    if (channelsFirst(ctx) || isChannelMixing(ctx.config.activation)) {
      blockAll(ctx, `${ctx.className} '${ctx.layer.name}' is channels-first or uses softmax`);
      return;
    }
    const dk = ctx.weight('depthwise_kernel');
    const pk = ctx.weight('pointwise_kernel');
    const b = ctx.weight('bias');
    const m = Number(ctx.config.depthMultiplier ?? 1);
    for (let c = 0; c < ctx.inputs[0].channels; c++) {
      ctx.consume(0, c, dk, 2, c);
      for (let j = 0; j < m; j++) ctx.consume(0, c, pk, 2, c * m + j);
    }
    const zero = stemZero(ctx);
    for (let o = 0; o < ctx.outputs[0].channels; o++) {
      ctx.own(0, o, pk, 3, o);
      if (b >= 0) ctx.own(0, o, b, 0, o);
      ctx.setZeroRule(0, o, zero);
    }
  },
  resize: (cfg, n) => ({ ...cfg, filters: n }),
  // tfjs 4.22's SeparableConv.getConfig drops depthMultiplier.
  patchConfig: (layer, cfg) => ({ ...cfg, depth_multiplier: (layer as unknown as { depthMultiplier: number }).depthMultiplier }),
  macs: (layer, ins, outs) => {
    const dk = layer.weights[0]?.shape ?? [];
    const pk = layer.weights[1]?.shape ?? [];
    const spatial = perItem(outs[0]) / ((outs[0][outs[0].length - 1] as number) || 1);
    return spatial * ((dk[0] ?? 1) * (dk[1] ?? 1) * (dk[2] ?? 1) * (dk[3] ?? 1) + (pk[2] ?? 1) * (pk[3] ?? 1));
  },
};

const embedding: ChannelRule = {
  analyse(ctx) {
    ctx.block('input', 0, `Embedding '${ctx.layer.name}' reads integer indices`);
    const e = ctx.weight('embeddings');
    for (let o = 0; o < ctx.outputs[0].channels; o++) {
      ctx.own(0, o, e, 1, o);
      ctx.setZeroRule(0, o, { kind: 'fresh', value: 0 });
    }
  },
  resize: (cfg, n) => ({ ...cfg, output_dim: n }),
};

function activationRule(f: (ctx: RuleContext) => ((x: number) => number | null) | undefined): ChannelRule {
  return {
    analyse(ctx) {
      const fn = f(ctx);
      if (!fn) {
        blockAll(ctx, `${ctx.className} '${ctx.layer.name}' mixes channels or is not modelled`);
        return;
      }
      passThrough(ctx, { kind: 'map', f: fn });
    },
  };
}

const activation = activationRule((ctx) =>
  isChannelMixing(ctx.config.activation) ? undefined : activationValue(ctx.config.activation),
);
const relu = activationRule((ctx) => {
  const max = ctx.config.maxValue as number | null | undefined;
  return (x) => (max == null ? Math.max(0, x) : Math.min(Math.max(0, x), max));
});
const leaky = activationRule((ctx) => {
  const a = Number(ctx.config.alpha ?? 0.3);
  return (x) => (x > 0 ? x : a * x);
});
const elu = activationRule((ctx) => {
  const a = Number(ctx.config.alpha ?? 1);
  return (x) => (x > 0 ? x : a * Math.expm1(x));
});
const thresholded = activationRule((ctx) => {
  const t = Number(ctx.config.theta ?? 1);
  return (x) => (x > t ? x : 0);
});

/** Layers that keep every channel as it is (shape may change elsewhere). */
const keep: ChannelRule = {
  analyse: (ctx) =>
    channelsFirst(ctx) ? blockAll(ctx, `${ctx.className} '${ctx.layer.name}' is channels-first`) : passThrough(ctx, identity),
};
/** Zero padding keeps zero channels zero but makes a constant channel non-uniform. */
const zeroPad: ChannelRule = {
  analyse: (ctx) =>
    channelsFirst(ctx)
      ? blockAll(ctx, `${ctx.className} '${ctx.layer.name}' is channels-first`)
      : passThrough(ctx, { kind: 'map', f: (v) => (v === 0 ? 0 : null) }),
};

function normAxisIsLast(ctx: RuleContext): boolean {
  const rank = ctx.inputs[0].shape.length;
  const ax = ctx.config.axis;
  const axes = Array.isArray(ax) ? (ax as number[]) : [ax as number];
  return axes.length === 1 && (axes[0] === -1 || axes[0] === rank - 1);
}

/** BatchNorm: per-channel affine; zero gamma and beta give exactly zero whatever the input. */
const batchNorm: ChannelRule = {
  analyse(ctx) {
    if (!normAxisIsLast(ctx)) {
      blockAll(ctx, `${ctx.className} '${ctx.layer.name}' normalizes a non-channel axis`);
      return;
    }
    const names = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((n) => ctx.weight(n));
    const hasGamma = names[0] >= 0;
    for (let c = 0; c < ctx.outputs[0].channels; c++) {
      ctx.tie(0, c, 0, c);
      for (const w of names) if (w >= 0) ctx.own(0, c, w, 0, c);
      // Without gamma the output is (x − moving_mean)/σ + β: not zero in inference.
      ctx.setZeroRule(0, c, hasGamma ? { kind: 'fresh', value: 0 } : { kind: 'map', f: () => null });
    }
  },
};

/**
 * LayerNorm over channels: the statistics span every channel, so removing one changes the
 * others; all channels form one unit, which is never pruned.
 */
const layerNorm: ChannelRule = {
  analyse(ctx) {
    if (!normAxisIsLast(ctx)) {
      blockAll(ctx, `${ctx.className} '${ctx.layer.name}' normalizes a non-channel axis`);
      return;
    }
    const g = ctx.weight('gamma');
    const b = ctx.weight('beta');
    const all: number[] = [];
    for (let c = 0; c < ctx.outputs[0].channels; c++) {
      ctx.tie(0, c, 0, c);
      if (g >= 0) ctx.own(0, c, g, 0, c);
      if (b >= 0) ctx.own(0, c, b, 0, c);
      ctx.setZeroRule(0, c, { kind: 'map', f: () => null });
      all.push(c);
    }
    ctx.unit(0, all);
  },
};

const prelu: ChannelRule = {
  analyse(ctx) {
    const a = ctx.weight('alpha');
    const shape = ctx.layer.weights[a]?.shape ?? [];
    const c = ctx.outputs[0].channels;
    if (shape[shape.length - 1] !== c) {
      blockAll(ctx, `PReLU '${ctx.layer.name}' shares alpha across channels`);
      return;
    }
    passThrough(ctx, { kind: 'map', f: (v) => (v === 0 ? 0 : null) });
    for (let k = 0; k < c; k++) ctx.own(0, k, a, shape.length - 1, k);
  },
};

/** Flatten (or a Reshape to rank 2): output j is input channel j mod C. */
function flattenLike(ctx: RuleContext): boolean {
  const cin = ctx.inputs[0].channels;
  const out = ctx.outputs[0];
  if (out.shape.length !== 2 || cin === 0 || out.channels % cin !== 0) return false;
  for (let j = 0; j < out.channels; j++) {
    ctx.tie(0, j % cin, 0, j);
    ctx.setZeroRule(0, j, identity);
  }
  return true;
}

const flatten: ChannelRule = {
  analyse(ctx) {
    if (!flattenLike(ctx)) blockAll(ctx, `Flatten '${ctx.layer.name}' has an unknown input shape`);
  },
};

/** Reshape that keeps the channel axis last and whole, or flattens channels-last. */
const reshape: ChannelRule = {
  analyse(ctx) {
    if (ctx.inputs[0].channels === ctx.outputs[0].channels) passThrough(ctx, identity);
    else if (!flattenLike(ctx)) blockAll(ctx, `Reshape '${ctx.layer.name}' moves the channel axis`);
  },
  resize(cfg, n) {
    const t = [...(cfg.target_shape as (number | null)[])];
    t[t.length - 1] = n;
    return { ...cfg, target_shape: t };
  },
};

/** Add/Multiply/...: channel c of every input feeds channel c of the output. */
function join(op: 'sum' | 'sub' | 'mul' | 'max' | 'min' | 'mean'): ChannelRule {
  return {
    analyse(ctx) {
      const out = ctx.outputs[0];
      let untied = false;
      ctx.inputs.forEach((inp, i) => {
        if (inp.channels === out.channels) {
          for (let c = 0; c < out.channels; c++) ctx.tie(i, c, 0, c);
        } else {
          untied = true;
          ctx.block('input', i, `${ctx.className} '${ctx.layer.name}' broadcasts this input over channels`);
        }
      });
      for (let c = 0; c < out.channels; c++) ctx.setZeroRule(0, c, { kind: 'join', op, untied });
    },
  };
}

/** Concatenate on the channel axis places input i at an offset; on another axis it joins. */
const concatenate: ChannelRule = {
  analyse(ctx) {
    const rank = ctx.outputs[0].shape.length;
    const axis = Number(ctx.config.axis ?? -1);
    if (axis === -1 || axis === rank - 1) {
      let offset = 0;
      ctx.inputs.forEach((inp, i) => {
        for (let c = 0; c < inp.channels; c++) {
          ctx.tie(i, c, 0, offset + c);
          ctx.setZeroRule(0, offset + c, identity);
        }
        offset += inp.channels;
      });
      return;
    }
    const out = ctx.outputs[0];
    ctx.inputs.forEach((inp, i) => {
      if (inp.channels !== out.channels) ctx.block('input', i, `Concatenate '${ctx.layer.name}' has mismatched channels`);
      else for (let c = 0; c < out.channels; c++) ctx.tie(i, c, 0, c);
    });
    for (let c = 0; c < out.channels; c++) ctx.setZeroRule(0, c, { kind: 'join', op: 'same', untied: false });
  },
};

const input: ChannelRule = {
  analyse: (ctx) => ctx.block('output', 0, 'model input'),
};

export const builtinRules: Record<string, ChannelRule> = {
  InputLayer: input,
  Dense: dense,
  Conv1D: conv,
  Conv2D: conv,
  Conv2DTranspose: convTranspose,
  DepthwiseConv2D: depthwise,
  SeparableConv2D: separable,
  Embedding: embedding,
  Activation: activation,
  ReLU: relu,
  LeakyReLU: leaky,
  ELU: elu,
  ThresholdedReLU: thresholded,
  PReLU: prelu,
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
  Dropout: keep,
  SpatialDropout1D: keep,
  AlphaDropout: keep,
  GaussianDropout: keep,
  GaussianNoise: keep,
  MaxPooling1D: keep,
  MaxPooling2D: keep,
  AveragePooling1D: keep,
  AveragePooling2D: keep,
  GlobalAveragePooling1D: keep,
  GlobalAveragePooling2D: keep,
  GlobalMaxPooling1D: keep,
  GlobalMaxPooling2D: keep,
  UpSampling2D: keep,
  Cropping2D: keep,
  RepeatVector: keep,
  ZeroPadding2D: zeroPad,
  Flatten: flatten,
  Reshape: reshape,
  Add: join('sum'),
  Subtract: join('sub'),
  Multiply: join('mul'),
  Average: join('mean'),
  Maximum: join('max'),
  Minimum: join('min'),
  Concatenate: concatenate,
};
