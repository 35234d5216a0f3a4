/**
 * GroupNormalization as a serializable tf.layers custom layer (channels-last): channels are
 * split into `groups` consecutive groups, each normalised over its channels and all positions,
 * then scaled and shifted per channel. compress/layer-rules.ts declares to HESSO: a pruning unit is a whole norm
 * group (removing part of one would change the statistics of the rest).
 */
import * as tf from '../tfjs.ts';

export interface GroupNormalizationArgs {
  groups: number;
  epsilon?: number;
  name?: string;
  trainable?: boolean;
}

export class GroupNormalization extends tf.layers.Layer {
  static className = 'GroupNormalization';
  readonly groups: number;
  readonly epsilon: number;
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;

  constructor(args: GroupNormalizationArgs) {
    super(args);
    this.groups = args.groups;
    this.epsilon = args.epsilon ?? 1e-5;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const c = shape[shape.length - 1];
    if (c === null || c % this.groups !== 0) {
      throw new Error(`GroupNormalization '${this.name}': ${c} channels do not split into ${this.groups} groups`);
    }
    this.gamma = this.addWeight('gamma', [c], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [c], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const c = x.shape[x.shape.length - 1];
      const g = tf.reshape(x, [x.shape[0], -1, this.groups, c / this.groups]);
      const { mean, variance } = tf.moments(g, [1, 3], true);
      const norm = tf.reshape(tf.div(tf.sub(g, mean), tf.sqrt(tf.add(variance, this.epsilon))), x.shape);
      return tf.add(tf.mul(norm, this.gamma!.read()), this.beta!.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groups: this.groups, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(GroupNormalization);
