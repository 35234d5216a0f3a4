/**
 * How each kind of layer carries channels: which output channel comes from which input
 * channel, which parameter slices a channel owns (zeroing them zeroes the channel) or consumes
 * (they only multiply that input channel), and what value a channel takes once its group is
 * zeroed. Built-in tf.layers rules live in builtin-rules.ts; custom layers declare theirs with
 * `registerChannelRule` (see group-norm.ts and film.ts).
 */
import type { tf } from '../tf/index.ts';

export type Layer = tf.layers.Layer;
export type Shape = (number | null)[];

/** One tensor seen by a layer: its shape (batch first) and the size of its channel (last) axis. */
export interface TensorView {
  shape: Shape;
  channels: number;
}

/**
 * The value a channel takes when its group's parameters are zero, from the values of the
 * channels it is tied to. `null` means "not known to be a constant".
 *  - fresh: the layer's own (zeroed) parameters make it this constant, whatever the input.
 *  - map: an elementwise function of its one source (f returns null when not uniform).
 *  - join: combines all tied sources; `untied` says some input broadcasts without a tie.
 *  - scaled: zero when its source is zero, unknown otherwise (x·(1+s) + shift, shift owned).
 */
export type ZeroRule =
  | { kind: 'fresh'; value: number | null }
  | { kind: 'map'; f: (v: number) => number | null }
  | { kind: 'join'; op: 'sum' | 'sub' | 'mul' | 'max' | 'min' | 'mean' | 'same'; untied: boolean }
  | { kind: 'scaled' };

/** What a rule may say about one call (node) of a layer. */
export interface RuleContext {
  readonly layer: Layer;
  readonly className: string;
  /** layer.getConfig() (camelCase keys). */
  readonly config: Record<string, unknown>;
  readonly inputs: readonly TensorView[];
  readonly outputs: readonly TensorView[];
  /** Index of a weight in layer.weights by its short name ('kernel', 'gamma'...), or -1. */
  weight(name: string): number;
  /** Output channel `outChannel` carries input channel `inChannel` (same group). */
  tie(input: number, inChannel: number, output: number, outChannel: number): void;
  setZeroRule(output: number, outChannel: number, rule: ZeroRule): void;
  /** Zeroing this slice (weights[weight] at `index` along `axis`) is part of zeroing the channel. */
  own(output: number, outChannel: number, weight: number, axis: number, index: number): void;
  /** This slice only ever multiplies input channel `inChannel`: it goes when the channel goes. */
  consume(input: number, inChannel: number, weight: number, axis: number, index: number): void;
  /** These output channels are one indivisible unit (a GroupNorm group). */
  unit(output: number, channels: readonly number[]): void;
  /** The channels of this input/output cannot be pruned; `reason` is shown to the user. */
  block(side: 'input' | 'output', index: number, reason: string): void;
}

export interface ChannelRule {
  analyse(ctx: RuleContext): void;
  /**
   * The layer's config (pythonic snake_case keys, as in model.toJSON()) once its first output
   * has `outChannels` channels instead of `oldOutChannels`. Absent: the width is inferred from
   * the input when the layer is built (BatchNormalization, DepthwiseConv2D, FiLM...).
   */
  resize?(config: Record<string, unknown>, outChannels: number, oldOutChannels: number): Record<string, unknown>;
  /** Fixes for what tf.layers' own getConfig leaves out (pythonic config in, config out). */
  patchConfig?(layer: Layer, config: Record<string, unknown>): Record<string, unknown>;
  /** Multiply-accumulates of one call at batch size 1 (shapes have batch first). */
  macs?(layer: Layer, inputShapes: readonly Shape[], outputShapes: readonly Shape[]): number;
}

const registry = new Map<string, ChannelRule>();

/** Declares how a custom layer class (by its registered className) carries channels. */
export function registerChannelRule(className: string, rule: ChannelRule): void {
  registry.set(className, rule);
}

export function customChannelRule(className: string): ChannelRule | undefined {
  return registry.get(className);
}

/** Elements per batch item of a shape (batch axis excluded); null dims count as 1. */
export function perItem(shape: Shape): number {
  let n = 1;
  for (let i = 1; i < shape.length; i++) n *= shape[i] ?? 1;
  return n;
}

/** Ties input `input` channel-for-channel to output 0, with one zero rule for every channel. */
export function passThrough(ctx: RuleContext, rule: ZeroRule, input = 0): void {
  const a = ctx.inputs[input];
  const b = ctx.outputs[0];
  if (!a || !b || a.channels !== b.channels) {
    ctx.block('input', input, `${ctx.className} '${ctx.layer.name}' changes the channel count`);
    ctx.block('output', 0, `${ctx.className} '${ctx.layer.name}' changes the channel count`);
    return;
  }
  for (let c = 0; c < b.channels; c++) {
    ctx.tie(input, c, 0, c);
    ctx.setZeroRule(0, c, rule);
  }
}

/** Blocks every input and output channel of a layer (used for what compress/ cannot trace). */
export function blockAll(ctx: RuleContext, reason: string): void {
  for (let i = 0; i < ctx.inputs.length; i++) ctx.block('input', i, reason);
  for (let o = 0; o < ctx.outputs.length; o++) ctx.block('output', o, reason);
}
