// A MuJoCo scene as three.js meshes: builds one mesh per geom of a RenderScene
// (sim/render/render-scene.ts), poses them from a RenderFrame's pose table, and renders from a
// world-frame camera. Plain ES module for the browser (three comes from the page's import map),
// shared by the headless renderer, the viewer page and the synthetic stereo renderer.
//
// Frames: everything lives in yoto's `world` frame, z up. three.js is y-up only by convention
// (camera.up, lookAt); geometry is placed with full 4×4 matrices, so nothing is rotated — only
// the cameras' `up` is set to +z.
import * as THREE from 'three';

/** Floats per geom in a pose table: position (3), row-major rotation (9). */
export const POSE_STRIDE = 12;

const DEFAULTS = {
  antialias: true,
  shadows: true,
  /** 'checker' or 'plain' floor for plane geoms. */
  floor: 'checker',
  /** Checker square size, metres. */
  checkerSize: 0.25,
  /** Neutral light grey (sRGB hex). */
  background: 0xd9dde2,
  shadowMapSize: 2048,
  /** 'pcf' (soft edges) or 'basic' (hard, cheaper). */
  shadowType: 'pcf',
  near: 0.02,
  far: 50,
};

/**
 * MuJoCo rgba values are display colours; three.js works in linear light, so they are declared
 * sRGB here and come out as the same display colour under full white light.
 */
function srgbColor(r, g, b) {
  return new THREE.Color().setRGB(r, g, b, THREE.SRGBColorSpace);
}

/** A tiling checker texture whose light squares are `rgba` and dark squares 80% of it. */
function checkerTexture(rgba) {
  const n = 64;
  const data = new Uint8Array(n * n * 4);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const dark = (x < n / 2) !== (y < n / 2);
      const k = dark ? 0.8 : 1;
      const o = 4 * (y * n + x);
      data[o] = Math.round(255 * rgba[0] * k);
      data[o + 1] = Math.round(255 * rgba[1] * k);
      data[o + 2] = Math.round(255 * rgba[2] * k);
      data[o + 3] = 255;
    }
  }
  const tex = new THREE.DataTexture(data, n, n, THREE.RGBAFormat);
  tex.colorSpace = THREE.SRGBColorSpace;
  tex.wrapS = tex.wrapT = THREE.RepeatWrapping;
  tex.magFilter = THREE.NearestFilter;
  tex.minFilter = THREE.LinearMipmapLinearFilter;
  tex.generateMipmaps = true;
  tex.anisotropy = 4;
  tex.needsUpdate = true;
  return tex;
}

/** Geometry of one geom in its own frame (MuJoCo's axes: capsules and cylinders along z). */
function geomGeometry(geom, planeSize) {
  const [a, b, c] = geom.size;
  switch (geom.shape) {
    case 'plane':
      // Half-size 0 means infinite in MuJoCo; draw it large.
      return new THREE.PlaneGeometry(2 * (a > 0 ? a : planeSize), 2 * (b > 0 ? b : planeSize));
    case 'sphere':
      return new THREE.SphereGeometry(a, 32, 16);
    case 'ellipsoid':
      return new THREE.SphereGeometry(1, 32, 16).scale(a, b, c);
    case 'capsule':
      // three's capsule and cylinder run along y; MuJoCo's along z.
      return new THREE.CapsuleGeometry(a, 2 * b, 8, 24).rotateX(Math.PI / 2);
    case 'cylinder':
      return new THREE.CylinderGeometry(a, a, 2 * b, 32).rotateX(Math.PI / 2);
    case 'box':
      return new THREE.BoxGeometry(2 * a, 2 * b, 2 * c);
    default:
      throw new Error(`SceneView: unsupported geom shape ${geom.shape}`);
  }
}

export class SceneView {
  /**
   * @param {object} scene a RenderScene (plain JSON)
   * @param {{ width: number, height: number, canvas?: HTMLCanvasElement, antialias?: boolean,
   *   shadows?: boolean, floor?: 'checker'|'plain', checkerSize?: number, background?: number,
   *   shadowMapSize?: number, shadowType?: 'pcf'|'basic', near?: number, far?: number }} options
   */
  constructor(scene, options) {
    const opts = { ...DEFAULTS, ...options };
    this.options = opts;
    this.sceneData = scene;
    this.width = opts.width;
    this.height = opts.height;

    this.renderer = new THREE.WebGLRenderer({
      canvas: opts.canvas,
      antialias: opts.antialias,
      // Pixels are read right after rendering, in the same task, so the buffer need not persist.
      preserveDrawingBuffer: false,
      alpha: false,
      powerPreference: 'high-performance',
    });
    this.renderer.setPixelRatio(1);
    this.renderer.setSize(opts.width, opts.height, false);
    this.renderer.outputColorSpace = THREE.SRGBColorSpace;
    this.renderer.toneMapping = THREE.NoToneMapping;
    this.renderer.shadowMap.enabled = opts.shadows;
    this.renderer.shadowMap.type = opts.shadowType === 'basic' ? THREE.BasicShadowMap : THREE.PCFShadowMap;
    this.canvas = this.renderer.domElement;

    /** The three.js scene, in the world frame. Add extra objects (hands, markers) with add(). */
    this.scene = new THREE.Scene();
    this.scene.background = new THREE.Color(opts.background);

    this.camera = new THREE.PerspectiveCamera(45, opts.width / opts.height, opts.near, opts.far);
    this.camera.up.set(0, 0, 1);

    this.#addLights(scene, opts);

    /** @type {{ id: number, mesh: THREE.Mesh }[]} */
    this.geoms = [];
    const materials = new Map();
    const planeSize = Math.max(10, 20 * scene.extent);
    for (const geom of scene.geoms) {
      const isPlane = geom.shape === 'plane';
      const key = `${geom.rgba.join(',')}|${isPlane}`;
      let material = materials.get(key);
      if (!material) {
        const [r, g, b, alpha] = geom.rgba;
        const common = { color: srgbColor(r, g, b), transparent: alpha < 1, opacity: alpha, depthWrite: alpha >= 1 };
        // Floors are matte and cover most pixels: Lambert shading looks the same there and costs
        // ~15% less CPU per frame on SwiftShader than the physically based material.
        material = isPlane
          ? new THREE.MeshLambertMaterial(common)
          : new THREE.MeshStandardMaterial({ ...common, roughness: 0.6, metalness: 0.0 });
        if (isPlane && opts.floor === 'checker') {
          material.color.set(0xffffff);
          material.map = checkerTexture(geom.rgba);
        }
        materials.set(key, material);
      }
      const geometry = geomGeometry(geom, planeSize);
      if (isPlane && material.map) {
        // Repeat per plane through UVs, so planes of different sizes can share the material.
        const w = geometry.parameters.width / opts.checkerSize;
        const h = geometry.parameters.height / opts.checkerSize;
        const uv = geometry.attributes.uv;
        for (let i = 0; i < uv.count; i++) uv.setXY(i, uv.getX(i) * w, uv.getY(i) * h);
      }
      const mesh = new THREE.Mesh(geometry, material);
      mesh.name = geom.name;
      mesh.userData.geomId = geom.id;
      mesh.castShadow = !isPlane;
      mesh.receiveShadow = true;
      mesh.matrixAutoUpdate = false;
      this.scene.add(mesh);
      this.geoms.push({ id: geom.id, mesh });
    }
  }

  #addLights(scene, opts) {
    const [cx, cy, cz] = scene.center;
    const r = Math.max(scene.extent, 0.5);
    // Soft sky/ground ambient: everything readable in shadow, tops brighter than undersides.
    const hemi = new THREE.HemisphereLight(0xffffff, 0x9a958c, 1.5);
    hemi.position.set(0, 0, 1);
    this.scene.add(hemi);

    // Key light with shadows. Its direction is the model's first shadow-casting light's, or a
    // high front-left sun.
    const modelKey = scene.lights.find((l) => l.castShadow);
    const dir = new THREE.Vector3(...(modelKey ? modelKey.direction : [0.35, 0.25, -1])).normalize();
    const key = new THREE.DirectionalLight(0xffffff, 1.9);
    key.position.set(cx, cy, cz).addScaledVector(dir, -4 * r);
    key.target.position.set(cx, cy, cz);
    key.castShadow = opts.shadows;
    const s = key.shadow;
    s.mapSize.set(opts.shadowMapSize, opts.shadowMapSize);
    s.camera.left = -1.5 * r;
    s.camera.right = 1.5 * r;
    s.camera.top = 1.5 * r;
    s.camera.bottom = -1.5 * r;
    s.camera.near = 0.5 * r;
    s.camera.far = 8 * r;
    s.bias = -0.0005;
    s.normalBias = 0.01;
    s.radius = 3;
    this.scene.add(key, key.target);
    this.keyLight = key;
  }

  /** Extension point: add any three.js object, posed in the world frame (z up). */
  add(object) {
    this.scene.add(object);
    return object;
  }

  /** Pose every geom from a pose table (12 floats per MuJoCo geom id). */
  setPoses(poses) {
    const m = new THREE.Matrix4();
    for (const { id, mesh } of this.geoms) {
      const o = id * POSE_STRIDE;
      m.set(
        poses[o + 3], poses[o + 4], poses[o + 5], poses[o],
        poses[o + 6], poses[o + 7], poses[o + 8], poses[o + 1],
        poses[o + 9], poses[o + 10], poses[o + 11], poses[o + 2],
        0, 0, 0, 1,
      );
      mesh.matrix.copy(m);
      mesh.matrixWorldNeedsUpdate = true;
    }
  }

  /** @param {{ position: number[], lookAt: number[], up?: number[], fovy: number }} cam world-frame camera */
  setCamera(cam) {
    this.camera.position.set(...cam.position);
    this.camera.up.set(...(cam.up ?? [0, 0, 1]));
    this.camera.fov = cam.fovy;
    this.camera.aspect = this.width / this.height;
    this.camera.lookAt(...cam.lookAt);
    this.camera.updateProjectionMatrix();
  }

  /** New image size in pixels (a viewer following its window). */
  resize(width, height) {
    this.width = width;
    this.height = height;
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
  }

  render() {
    this.renderer.render(this.scene, this.camera);
  }

  /**
   * The last rendered image as RGBA bytes, bottom row first (GL order). Call in the same task
   * as render(): the drawing buffer is not preserved.
   */
  readPixels(out = new Uint8Array(this.width * this.height * 4)) {
    const gl = this.renderer.getContext();
    gl.readPixels(0, 0, this.width, this.height, gl.RGBA, gl.UNSIGNED_BYTE, out);
    return out;
  }

  dispose() {
    for (const { mesh } of this.geoms) {
      mesh.geometry.dispose();
      mesh.material.map?.dispose();
      mesh.material.dispose();
    }
    this.renderer.dispose();
    // Release the WebGL context now: Chromium caps live contexts per page, and views get rebuilt.
    this.renderer.forceContextLoss();
  }
}
