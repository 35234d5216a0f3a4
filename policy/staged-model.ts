/**
 * Runs a functional LayersModel in two stages: the layers that depend only on the "static"
 * inputs (the observation) once, then the rest for each call with the "dynamic" inputs (the
 * diffusion step and the noisy action). A DDIM loop of 10 steps then encodes the point cloud
 * once instead of 10 times. Works on any model of the same topology, compressed ones included,
 * because it walks the model's own graph (its JSON inbound nodes), layer by layer, eagerly.
 */
import { tf } from '../core/tf.ts';

interface Step {
  layer: tf.layers.Layer;
  inputs: string[];
}

export class StagedModel {
  private readonly staticSteps: Step[] = [];
  private readonly dynamicSteps: Step[] = [];
  private readonly output: string;
  private cache = new Map<string, tf.Tensor>();

  constructor(
    private readonly model: tf.LayersModel,
    private readonly staticInputs: readonly string[],
    private readonly dynamicInputs: readonly string[],
  ) {
    const json = model.toJSON(null, false) as unknown as {
      config: { layers: { class_name: string; name?: string; config: { name: string }; inbound_nodes: [string, number, number, unknown][][] }[]; output_layers: [string, number, number][] };
    };
    const isStatic = new Map<string, boolean>();
    for (const l of json.config.layers) {
      const name = l.config.name;
      if (l.class_name === 'InputLayer') {
        if (!staticInputs.includes(name) && !dynamicInputs.includes(name)) throw new Error(`StagedModel: input '${name}' is neither static nor dynamic`);
        isStatic.set(name, staticInputs.includes(name));
        continue;
      }
      const nodes = l.inbound_nodes;
      if (nodes.length !== 1) throw new Error(`StagedModel: layer '${name}' is applied ${nodes.length} times`);
      const inputs = nodes[0].map((n) => n[0]);
      const st = inputs.every((i) => isStatic.get(i) === true);
      isStatic.set(name, st);
      (st ? this.staticSteps : this.dynamicSteps).push({ layer: model.getLayer(name), inputs });
    }
    this.output = json.config.output_layers[0][0];
  }

  /** Computes and keeps the static part (disposing the previous one). */
  prepare(feeds: Record<string, tf.Tensor>): void {
    this.release();
    const values = new Map<string, tf.Tensor>(this.staticInputs.map((n) => [n, feeds[n]]));
    for (const s of this.staticSteps) {
      const ins = s.inputs.map((i) => values.get(i)!);
      values.set(s.layer.name, s.layer.apply(ins.length === 1 ? ins[0] : ins) as tf.Tensor);
    }
    for (const s of this.staticSteps) this.cache.set(s.layer.name, values.get(s.layer.name)!);
  }

  /** The model's output for these dynamic inputs and the prepared static part. */
  run(feeds: Record<string, tf.Tensor>): tf.Tensor {
    return tf.tidy(() => {
      const values = new Map<string, tf.Tensor>(this.cache);
      for (const n of this.dynamicInputs) values.set(n, feeds[n]);
      for (const s of this.dynamicSteps) {
        const ins = s.inputs.map((i) => values.get(i)!);
        values.set(s.layer.name, s.layer.apply(ins.length === 1 ? ins[0] : ins) as tf.Tensor);
      }
      return values.get(this.output)!;
    });
  }

  release(): void {
    tf.dispose([...this.cache.values()]);
    this.cache = new Map();
  }

  get modelName(): string {
    return this.model.name;
  }
}
