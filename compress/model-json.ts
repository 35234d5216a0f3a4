/**
 * model.toJSON() with the gaps in tf.layers' own serialization filled in by the channel rules
 * (tfjs 4.22 drops SeparableConv2D's depthMultiplier, so its own JSON rebuilds a different
 * model). Save and rebuild compressed models from this.
 */
import { saveModel, type tf } from '../tf/index.ts';
import { ruleFor } from './dependency-graph.ts';

export interface LayerJson {
  class_name: string;
  config: Record<string, unknown> & { name: string };
  [key: string]: unknown;
}

export interface ModelJson {
  class_name: string;
  config: { layers: LayerJson[]; [key: string]: unknown };
  [key: string]: unknown;
}

export function modelToJson(model: tf.LayersModel): ModelJson {
  const json = model.toJSON(null, false) as unknown as ModelJson;
  for (const entry of json.config.layers) {
    const rule = ruleFor(entry.class_name);
    if (!rule?.patchConfig) continue;
    entry.config = { ...rule.patchConfig(model.getLayer(entry.config.name), entry.config), name: entry.config.name };
  }
  return json;
}

/** tf's one model-folder saver, with the topology from modelToJson (compressed models rebuild from it). */
export async function saveModelFolder(model: tf.LayersModel, dir: string): Promise<void> {
  await saveModel(model, dir, { topology: modelToJson(model) });
}
