import loadMujocoModule from 'mujoco-js';
import type { MainModule, MjModel, MjData } from 'mujoco-js';
import { YotoError } from '../core/errors.ts';

export type Mujoco = MainModule;
export type { MjModel, MjData };

let instance: Promise<Mujoco> | undefined;

/** The MuJoCo WASM module, loaded once per process (or worker). */
export function loadMujoco(): Promise<Mujoco> {
  instance ??= loadMujocoModule() as Promise<Mujoco>;
  return instance;
}

let fileCounter = 0;

/**
 * Compile an MJCF string. mujoco-js reads models only from its in-memory file system, and a
 * compile error comes back as a CppException without a message, so the caller's `what` names
 * the model in the error.
 */
export function compileMjcf(mj: Mujoco, xml: string, what = 'model'): MjModel {
  const path = `/yoto_model_${process.pid}_${fileCounter++}.xml`;
  mj.FS.writeFile(path, xml);
  try {
    const model = mj.MjModel.loadFromXML(path);
    if (!model) throw new Error('loadFromXML returned nothing');
    return model;
  } catch (e) {
    const msg = e instanceof Error && e.message ? e.message : 'MuJoCo rejected the MJCF';
    throw new YotoError(`cannot compile MJCF: ${msg}`, what);
  } finally {
    mj.FS.unlink(path);
  }
}

export type ObjType = 'body' | 'joint' | 'geom' | 'site' | 'actuator' | 'camera';

/** Name → id, throwing when the name is absent (a generated model that lacks a name is a bug). */
export function idOf(mj: Mujoco, model: MjModel, type: ObjType, name: string): number {
  const t = {
    body: mj.mjtObj.mjOBJ_BODY,
    joint: mj.mjtObj.mjOBJ_JOINT,
    geom: mj.mjtObj.mjOBJ_GEOM,
    site: mj.mjtObj.mjOBJ_SITE,
    actuator: mj.mjtObj.mjOBJ_ACTUATOR,
    camera: mj.mjtObj.mjOBJ_CAMERA,
  }[type];
  const id = mj.mj_name2id(model, t.value, name);
  if (id < 0) throw new Error(`no ${type} named "${name}" in the model`);
  return id;
}
