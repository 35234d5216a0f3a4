// One rigged WebXR hand (generic-hand/left.glb or right.glb) with a skin-coloured material, posed
// from world-frame joint poses computed in Node (synth/hand-pose.ts). The skeleton is flat —
// every bone a child of the armature — so each bone's local transform is its world transform
// once the glTF scene root and the armature stay at identity.
import * as THREE from 'three';
import { GLTFLoader } from 'three/addons/loaders/GLTFLoader.js';

/** Floats per joint in a pose table: position (3), quaternion [x, y, z, w] (4). */
export const JOINT_STRIDE = 7;

export class HandMesh {
  /**
   * @param {THREE.Object3D} root the glTF scene
   * @param {THREE.Bone[]} bones in the order of `jointNames`
   */
  constructor(root, bones, forearm) {
    this.root = root;
    this.bones = bones;
    this.forearm = forearm;
  }

  /**
   * @param {string} url the GLB
   * @param {string[]} jointNames WebXR joint names, in the order poses arrive
   * @param {{ color?: number, sleeve?: number, roughness?: number }} [look] sRGB 0xRRGGBB colours of skin and sleeve
   */
  static async load(url, jointNames, look = {}) {
    const gltf = await new GLTFLoader().loadAsync(url);
    const root = gltf.scene;
    const material = new THREE.MeshStandardMaterial({
      color: new THREE.Color().setHex(look.color ?? 0xe0ac8a, THREE.SRGBColorSpace),
      roughness: look.roughness ?? 0.65,
      metalness: 0,
    });
    root.traverse((o) => {
      if (o.isSkinnedMesh || o.isMesh) {
        o.material = material;
        o.castShadow = true;
        o.receiveShadow = true;
        // Bounds come from the bind pose; the posed hand is elsewhere in the world.
        o.frustumCulled = false;
      }
    });
    const bones = jointNames.map((n) => {
      const b = root.getObjectByName(n);
      if (!b) throw new Error(`hand ${url}: no joint ${n}`);
      return b;
    });
    return new HandMesh(root, bones, HandMesh.#forearm(material, look.sleeve ?? 0x3d5a80));
  }

  /**
   * A forearm for the cut-off wrist: bare skin tapering from the wrist, then a sleeve. Built along
   * +z from its origin at the wrist joint; posed as one rigid piece.
   */
  static #forearm(skin, sleeveColor) {
    const group = new THREE.Group();
    const part = (geometry, material, z0, length) => {
      geometry.rotateX(Math.PI / 2).translate(0, 0, z0 + length / 2);
      const mesh = new THREE.Mesh(geometry, material);
      mesh.castShadow = true;
      mesh.receiveShadow = true;
      group.add(mesh);
    };
    // CylinderGeometry runs along y (top radius first); after rotateX(π/2) the top is at +z (elbow).
    part(new THREE.CylinderGeometry(0.031, 0.025, 0.12, 24, 1, true), skin, 0.0, 0.12);
    const sleeve = new THREE.MeshStandardMaterial({ color: new THREE.Color().setHex(sleeveColor, THREE.SRGBColorSpace), roughness: 0.9, metalness: 0 });
    part(new THREE.CylinderGeometry(0.046, 0.038, 0.5, 24), sleeve, 0.1, 0.5);
    group.matrixAutoUpdate = false;
    return group;
  }

  /**
   * Pose every bone, then the forearm, from `poses` (JOINT_STRIDE floats per pose, world frame)
   * starting at `offset`.
   */
  setPoses(poses, offset = 0) {
    this.bones.forEach((b, i) => {
      const o = offset + i * JOINT_STRIDE;
      b.position.set(poses[o], poses[o + 1], poses[o + 2]);
      b.quaternion.set(poses[o + 3], poses[o + 4], poses[o + 5], poses[o + 6]);
    });
    this.root.updateMatrixWorld(true);
    const o = offset + this.bones.length * JOINT_STRIDE;
    this.forearm.matrix.compose(
      new THREE.Vector3(poses[o], poses[o + 1], poses[o + 2]),
      new THREE.Quaternion(poses[o + 3], poses[o + 4], poses[o + 5], poses[o + 6]),
      new THREE.Vector3(1, 1, 1),
    );
    this.forearm.matrixWorldNeedsUpdate = true;
  }
}
