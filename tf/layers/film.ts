/**
 * FiLM (feature-wise linear modulation) as a serializable tf.layers custom layer:
 * inputs [x (batch, ..., C), cond (batch, D)] → x·(1 + scale) + shift, where
 * [scale, shift] = cond·kernel + bias (kernel D × 2C). compress/layer-rules.ts declares to HESSO: channel c of x
 * passes through, owning kernel columns c and C + c; each cond channel is consumed by a kernel row.
 */
import * as tf from '../tfjs.ts';

export interface FiLMArgs {
  name?: string;
  trainable?: boolean;
  /** Seed of the kernel's initializer (reproducible training); not part of the saved config. */
  seed?: number;
}

export class FiLM extends tf.layers.Layer {
  static className = 'FiLM';
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;
  private readonly seed?: number;

  constructor(args: FiLMArgs = {}) {
    const { seed, ...rest } = args;
    super(rest);
    this.seed = seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [xs, cs] = inputShape as tf.Shape[];
    const c = xs[xs.length - 1] as number;
    const d = cs[cs.length - 1] as number;
    this.kernel = this.addWeight('kernel', [d, 2 * c], 'float32', tf.initializers.glorotUniform({ seed: this.seed }));
    this.bias = this.addWeight('bias', [2 * c], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return (inputShape as tf.Shape[])[0];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [x, cond] = inputs as tf.Tensor[];
      const c = x.shape[x.shape.length - 1];
      const p = tf.add(tf.matMul(cond as tf.Tensor2D, this.kernel!.read() as tf.Tensor2D), this.bias!.read());
      const bshape = [x.shape[0], ...Array<number>(x.rank - 2).fill(1), c];
      const scale = tf.reshape(tf.slice(p, [0, 0], [-1, c]), bshape);
      const shift = tf.reshape(tf.slice(p, [0, c], [-1, c]), bshape);
      return tf.add(tf.mul(x, tf.add(scale, 1)), shift);
    });
  }
}
tf.serialization.registerClass(FiLM);
