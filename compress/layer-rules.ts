/**
 * Channel rules for yoto's own tf.layers (tf/layers/): FiLM passes channel c of x through and
 * owns kernel columns c and C + c, each cond channel consuming a kernel row; a GroupNormalization
 * pruning unit is a whole norm group (removing part of one would change the statistics of the rest).
 */
import { FiLM, GroupNormalization } from '../tf/layers/index.ts';
import { passThrough, registerChannelRule } from './channel-rules.ts';

registerChannelRule(FiLM.className, {
  analyse(ctx) {
    const x = ctx.inputs[0];
    const cond = ctx.inputs[1];
    const k = ctx.weight('kernel');
    const b = ctx.weight('bias');
    const c = x.channels;
    for (let i = 0; i < c; i++) {
      ctx.tie(0, i, 0, i);
      ctx.setZeroRule(0, i, { kind: 'scaled' });
      for (const j of [i, c + i]) {
        ctx.own(0, i, k, 1, j);
        ctx.own(0, i, b, 0, j);
      }
    }
    for (let j = 0; j < cond.channels; j++) ctx.consume(1, j, k, 0, j);
  },
  macs: (layer, ins) => {
    const c = (ins[0][ins[0].length - 1] as number) ?? 0;
    const d = (ins[1][ins[1].length - 1] as number) ?? 0;
    return d * 2 * c;
  },
});

registerChannelRule(GroupNormalization.className, {
  analyse(ctx) {
    const c = ctx.outputs[0].channels;
    const groups = Number(ctx.config.groups);
    passThrough(ctx, { kind: 'fresh', value: 0 });
    const gamma = ctx.weight('gamma');
    const beta = ctx.weight('beta');
    const size = c / groups;
    for (let k = 0; k < c; k++) {
      ctx.own(0, k, gamma, 0, k);
      ctx.own(0, k, beta, 0, k);
    }
    for (let u = 0; u < groups; u++) ctx.unit(0, Array.from({ length: size }, (_, j) => u * size + j));
  },
  // Whole norm groups go, so the group size stays and the count shrinks.
  resize: (cfg, n, old) => ({ ...cfg, groups: n / (old / Number(cfg.groups)) }),
});
