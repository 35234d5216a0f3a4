/**
 * Adds TFLite Support metadata (metadata_schema.fbs, identifier "M001") to a TFLite model.
 * MediaPipe Tasks reads a float image input's colour space and normalization from it, and
 * refuses a model without it ("requires specifying NormalizationOptions metadata"). The models
 * shipped in @mediapipe/hands (made for the older Solutions API) have none.
 *
 * The model is rewritten by putting a new root table in front of the untouched original bytes:
 * the new Model table points forward at the original operator codes, subgraphs and buffers, plus
 * one new Buffer that holds the metadata and one new Metadata entry "TFLITE_METADATA" naming it.
 */
import { FbReader, external, f32s, str, table, tables, writeFlatBuffer, type FbField, type FbNode } from './flatbuffer.ts';

export const METADATA_NAME = 'TFLITE_METADATA';

// tflite schema.fbs: table Model field ids.
const MODEL = { version: 0, operatorCodes: 1, subgraphs: 2, description: 3, buffers: 4, metadataBuffer: 5, metadata: 6, signatureDefs: 7 } as const;
const MODEL_FIELDS = 8;
// table Metadata { name:string; buffer:uint; }  table Buffer { data:[ubyte]; offset:ulong; size:ulong; }
// metadata_schema.fbs union tags: ContentProperties.ImageProperties = 2,
// ProcessUnitOptions.NormalizationOptions = 1; ColorSpaceType.RGB = 1.
const IMAGE_PROPERTIES = 2;
const NORMALIZATION_OPTIONS = 1;
const RGB = 1;

export interface ImageInputMetadata {
  /** Model name recorded in the metadata. */
  name: string;
  /** Per-channel (or single) mean and std: the model sees (pixel - mean) / std. */
  mean: number[];
  std: number[];
}

/** A ModelMetadata flatbuffer describing one RGB image input with normalization. */
export function imageInputMetadata(meta: ImageInputMetadata): Uint8Array {
  const imageProperties = table([{ id: 0, scalar: 'i8', value: RGB }]);
  const content = table([
    { id: 0, scalar: 'u8', value: IMAGE_PROPERTIES }, // content_properties_type
    { id: 1, node: imageProperties }, // content_properties
  ]);
  const normalization = table([
    { id: 0, node: f32s(meta.mean) },
    { id: 1, node: f32s(meta.std) },
  ]);
  const processUnit = table([
    { id: 0, scalar: 'u8', value: NORMALIZATION_OPTIONS }, // options_type
    { id: 1, node: normalization }, // options
  ]);
  const inputTensor = table([
    { id: 0, node: str('image') }, // name
    { id: 3, node: content }, // content
    { id: 4, node: tables([processUnit]) }, // process_units
  ]);
  const subgraph = table([{ id: 2, node: tables([inputTensor]) }]); // input_tensor_metadata
  const model = table([
    { id: 0, node: str(meta.name) }, // name
    { id: 3, node: tables([subgraph]) }, // subgraph_metadata
    { id: 7, node: str('1.0.0') }, // min_parser_version
  ]);
  return writeFlatBuffer(model, 'M001').bytes;
}

/** The bytes of a model's metadata buffer with this name, or null. */
export function readModelMetadata(model: Uint8Array, name = METADATA_NAME): Uint8Array | null {
  const r = new FbReader(model);
  const root = r.root();
  const buffers = r.tableVector(root, MODEL.buffers);
  for (const m of r.tableVector(root, MODEL.metadata)) {
    if (r.string(m, 0) !== name) continue;
    const b = buffers[r.u32(m, 1)];
    return b === undefined ? null : r.byteVector(b, 0);
  }
  return null;
}

/**
 * A copy of `model` (a .tflite file) whose metadata entry `name` holds `metadata`
 * (replacing an existing entry of that name). The original bytes follow the new root unchanged,
 * moved by a multiple of 64 bytes so every alignment inside them holds.
 */
export function withModelMetadata(model: Uint8Array, metadata: Uint8Array, name = METADATA_NAME): Uint8Array {
  const r = new FbReader(model);
  if (r.identifier() !== 'TFL3') throw new Error('not a TFLite model (no TFL3 identifier)');
  const root = r.root();
  if (r.fieldCount(root) > MODEL_FIELDS) throw new Error('TFLite model has fields this writer does not know');

  const buffers = r.tableVector(root, MODEL.buffers);
  const newBufferIndex = buffers.length;
  const keptMetadata = r.tableVector(root, MODEL.metadata).filter((m) => r.string(m, 0) !== name);

  const fields: FbField[] = [];
  const version = r.field(root, MODEL.version);
  if (version !== null) fields.push({ id: MODEL.version, scalar: 'u32', value: r.view.getUint32(version, true) });
  for (const id of [MODEL.operatorCodes, MODEL.subgraphs, MODEL.description, MODEL.metadataBuffer, MODEL.signatureDefs]) {
    const pos = r.ref(root, id);
    if (pos !== null) fields.push({ id, node: external(pos) });
  }
  const metadataBuffer: FbNode = table([{ id: 0, node: { kind: 'bytes', data: metadata, align: 16 } }]);
  fields.push({ id: MODEL.buffers, node: tables([...buffers.map(external), metadataBuffer]) });
  const entry = table([
    { id: 0, node: str(name) },
    { id: 1, scalar: 'u32', value: newBufferIndex },
  ]);
  fields.push({ id: MODEL.metadata, node: tables([...keptMetadata.map(external), entry]) });

  const { bytes: head, tailOffset } = writeFlatBuffer(table(fields), 'TFL3', (n) => Math.ceil(n / 64) * 64);
  const out = new Uint8Array(tailOffset + model.length);
  out.set(head, 0);
  out.set(model, tailOffset);
  return out;
}
