/**
 * Exponential moving average of the weights, with Diffusion Policy's warm-up: the decay grows as
 * 1 − (1 + step)^−0.75 up to 0.9999, so early averages do not drag in the random initialization.
 * Inference uses the averaged weights.
 */
import { tf } from '../tf/index.ts';

export function emaDecay(step: number, power = 0.75, max = 0.9999): number {
  return Math.max(0, Math.min(max, 1 - (1 + step) ** -power));
}

export class Ema {
  readonly shadow: tf.Variable[];

  constructor(private readonly model: tf.LayersModel) {
    this.shadow = model.weights.map((w) => tf.variable(w.read(), false));
  }

  update(step: number): void {
    const d = emaDecay(step);
    tf.tidy(() => {
      this.model.weights.forEach((w, i) => {
        const s = this.shadow[i];
        s.assign(tf.add(tf.mul(s, d), tf.mul(w.read(), 1 - d)));
      });
    });
  }

  /** The averaged weights as a name → tensor map (clones), for checkpoints. */
  state(): tf.NamedTensorMap {
    return Object.fromEntries(this.shadow.map((s, i) => [`ema|${i}`, tf.clone(s)]));
  }

  setState(t: tf.NamedTensorMap): void {
    this.shadow.forEach((s, i) => s.assign(t[`ema|${i}`]));
  }

  /** Copies the averaged weights into a model of the same architecture. */
  copyTo(target: tf.LayersModel): void {
    target.setWeights(this.shadow);
  }

  dispose(): void {
    tf.dispose(this.shadow);
  }
}
