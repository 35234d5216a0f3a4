/**
 * Depthwise-convolution gradients for wasm (missing there; the cpu backend's versions, reached
 * through wasm-fallback.ts, index a TensorBuffer per element and took ~30 s per step for a
 * small MobileNet block at batch 64). Direct NHWC loops on the wasm heap with contiguous
 * inner loops over channels × multiplier: O(N·outH·outW·fH·fW·C·M) multiply-adds.
 */
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { type BackendWasm, f32 } from './ops.ts';
import { viaCpu } from './fallback.ts';

interface DepthwiseGradAttrs {
  strides: [number, number] | number;
  dilations: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape?: [number, number, number, number];
  inputShape?: [number, number, number, number];
}

function info(xShape: number[], filterShape: number[], a: DepthwiseGradAttrs): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
    true,
  );
}

/**
 * Calls `visit(xOff, dyOff, wOff)` for every (n, oh, ow, fh, fw) whose input pixel is inside
 * the image: offsets of x[n, ih, iw, 0], dy[n, oh, ow, 0] and W[fh, fw, 0, 0].
 */
function forEachTap(c: backend_util.Conv2DInfo, visit: (xOff: number, dyOff: number, wOff: number) => void): void {
  const { batchSize: nB, inHeight: H, inWidth: W, inChannels: C, outHeight: oH, outWidth: oW, outChannels: CM } = c;
  const { filterHeight: fH, filterWidth: fW, strideHeight: sH, strideWidth: sW, dilationHeight: dH, dilationWidth: dW } = c;
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  let dyOff = 0;
  for (let n = 0; n < nB; n++) {
    for (let oh = 0; oh < oH; oh++) {
      for (let ow = 0; ow < oW; ow++, dyOff += CM) {
        for (let fh = 0; fh < fH; fh++) {
          const ih = oh * sH - top + fh * dH;
          if (ih < 0 || ih >= H) continue;
          for (let fw = 0; fw < fW; fw++) {
            const iw = ow * sW - left + fw * dW;
            if (iw < 0 || iw >= W) continue;
            visit(((n * H + ih) * W + iw) * C, dyOff, (fh * fW + fw) * CM);
          }
        }
      }
    }
  }
}

export function depthwiseBackpropFilterConfig(): KernelConfig {
  const name = 'DepthwiseConv2dNativeBackpropFilter';
  const fallback = viaCpu(name);
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const a = args.attrs as unknown as DepthwiseGradAttrs;
    if (x.dtype !== 'float32' || !a.filterShape) return fallback(args);
    const c = info(x.shape, a.filterShape, a);
    const C = c.inChannels;
    const M = c.outChannels / C;
    const out = backend.makeOutput(a.filterShape, 'float32');
    const dw = f32(backend, out);
    const xv = f32(backend, x);
    const dyv = f32(backend, dy);
    dw.fill(0);
    forEachTap(c, (xOff, dyOff, wOff) => {
      for (let ci = 0, k = 0; ci < C; ci++) {
        const v = xv[xOff + ci];
        for (let m = 0; m < M; m++, k++) dw[wOff + k] += v * dyv[dyOff + k];
      }
    });
    return out;
  };
  return { kernelName: name, backendName: 'wasm', kernelFunc };
}

export function depthwiseBackpropInputConfig(): KernelConfig {
  const name = 'DepthwiseConv2dNativeBackpropInput';
  const fallback = viaCpu(name);
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = args.attrs as unknown as DepthwiseGradAttrs;
    if (dy.dtype !== 'float32' || !a.inputShape) return fallback(args);
    const c = info(a.inputShape, filter.shape, a);
    const C = c.inChannels;
    const M = c.outChannels / C;
    const out = backend.makeOutput(a.inputShape, 'float32');
    const dx = f32(backend, out);
    const wv = f32(backend, filter);
    const dyv = f32(backend, dy);
    dx.fill(0);
    forEachTap(c, (xOff, dyOff, wOff) => {
      for (let ci = 0, k = 0; ci < C; ci++) {
        let acc = 0;
        for (let m = 0; m < M; m++, k++) acc += dyv[dyOff + k] * wv[wOff + k];
        dx[xOff + ci] += acc;
      }
    });
    return out;
  };
  return { kernelName: name, backendName: 'wasm', kernelFunc };
}
