/**
 * Patch matrices for convolutions as matrix products, on the wasm heap (NHWC): im2col gathers
 * each output position's input window into a row, im2colT the same as columns, col2im sums
 * rows back into an image (the adjoint of im2col).
 */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { type BackendWasm, f32, reshape } from './ops.ts';

type Conv2DInfo = backend_util.Conv2DInfo;

/**
 * Writes the patch matrix of x (NHWC) for the convolution `c` into a new [P, R] tensor:
 * row p = (n, oh, ow), column (fh, fw, ci); zero where the window reads padding.
 */
export function im2col(backend: BackendWasm, x: TensorInfo, c: Conv2DInfo): TensorInfo {
  if (isPointwise(c)) return reshape(backend, x, [c.batchSize * c.inHeight * c.inWidth, c.inChannels]);
  const { batchSize: nB, inHeight: H, inWidth: W, inChannels: C, outHeight: oH, outWidth: oW } = c;
  const { filterHeight: fH, filterWidth: fW, strideHeight: sH, strideWidth: sW, dilationHeight: dH, dilationWidth: dW } = c;
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  const R = fH * fW * C;
  const out = backend.makeOutput([nB * oH * oW, R], 'float32');
  // Views last: makeOutput may grow the wasm heap, which detaches earlier views.
  const dst = f32(backend, out);
  const src = f32(backend, x);
  let row = 0;
  for (let n = 0; n < nB; n++) {
    const nBase = n * H * W * C;
    for (let oh = 0; oh < oH; oh++) {
      for (let ow = 0; ow < oW; ow++, row += R) {
        for (let fh = 0; fh < fH; fh++) {
          const ih = oh * sH - top + fh * dH;
          const rowOff = row + fh * fW * C;
          if (ih < 0 || ih >= H) {
            dst.fill(0, rowOff, rowOff + fW * C);
            continue;
          }
          for (let fw = 0; fw < fW; fw++) {
            const iw = ow * sW - left + fw * dW;
            const d = rowOff + fw * C;
            if (iw < 0 || iw >= W) {
              dst.fill(0, d, d + C);
            } else if (C >= 16) {
              const s = nBase + (ih * W + iw) * C;
              dst.set(src.subarray(s, s + C), d);
            } else {
              const s = nBase + (ih * W + iw) * C;
              for (let ci = 0; ci < C; ci++) dst[d + ci] = src[s + ci];
            }
          }
        }
      }
    }
  }
  return out;
}

/**
 * The transposed patch matrix [R, P] (row (fh, fw, ci), column p = (n, oh, ow)), written row
 * by row so the writes are contiguous; for dW = patchesᵀ·dy this is the plain-product layout.
 */
export function im2colT(backend: BackendWasm, x: TensorInfo, c: Conv2DInfo): TensorInfo {
  const { batchSize: nB, inHeight: H, inWidth: W, inChannels: C, outHeight: oH, outWidth: oW } = c;
  const { filterHeight: fH, filterWidth: fW, strideHeight: sH, strideWidth: sW, dilationHeight: dH, dilationWidth: dW } = c;
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  const P = nB * oH * oW;
  const out = backend.makeOutput([fH * fW * C, P], 'float32');
  const dst = f32(backend, out);
  const src = f32(backend, x);
  for (let fh = 0; fh < fH; fh++) {
    for (let fw = 0; fw < fW; fw++) {
      const rowBase = (fh * fW + fw) * C * P;
      for (let ci = 0; ci < C; ci++) {
        let d = rowBase + ci * P;
        for (let n = 0; n < nB; n++) {
          const nBase = n * H * W * C + ci;
          for (let oh = 0; oh < oH; oh++) {
            const ih = oh * sH - top + fh * dH;
            if (ih < 0 || ih >= H) {
              dst.fill(0, d, d + oW);
              d += oW;
              continue;
            }
            const hBase = nBase + ih * W * C;
            for (let ow = 0; ow < oW; ow++, d++) {
              const iw = ow * sW - left + fw * dW;
              dst[d] = iw < 0 || iw >= W ? 0 : src[hBase + iw * C];
            }
          }
        }
      }
    }
  }
  return out;
}

/** A 1×1, stride-1, unpadded convolution is a plain product: the patch matrix is x itself. */
export function isPointwise(c: Conv2DInfo): boolean {
  return c.filterHeight === 1 && c.filterWidth === 1 && c.strideHeight === 1 && c.strideWidth === 1 && c.padInfo.top === 0 && c.padInfo.left === 0;
}

/** Sums the [P, R] columns back into a new NHWC tensor of `c`'s input shape (inverse of im2col's gather). */
export function col2im(backend: BackendWasm, cols: TensorInfo, c: Conv2DInfo): TensorInfo {
  const { batchSize: nB, inHeight: H, inWidth: W, inChannels: C, outHeight: oH, outWidth: oW } = c;
  const { filterHeight: fH, filterWidth: fW, strideHeight: sH, strideWidth: sW, dilationHeight: dH, dilationWidth: dW } = c;
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  const R = fH * fW * C;
  const out = backend.makeOutput([nB, H, W, C], 'float32');
  const dst = f32(backend, out);
  const src = f32(backend, cols);
  dst.fill(0);
  let row = 0;
  for (let n = 0; n < nB; n++) {
    const nBase = n * H * W * C;
    for (let oh = 0; oh < oH; oh++) {
      for (let ow = 0; ow < oW; ow++, row += R) {
        for (let fh = 0; fh < fH; fh++) {
          const ih = oh * sH - top + fh * dH;
          if (ih < 0 || ih >= H) continue;
          for (let fw = 0; fw < fW; fw++) {
            const iw = ow * sW - left + fw * dW;
            if (iw < 0 || iw >= W) continue;
            const s = row + (fh * fW + fw) * C;
            const d = nBase + (ih * W + iw) * C;
            for (let ci = 0; ci < C; ci++) dst[d + ci] += src[s + ci];
          }
        }
      }
    }
  }
  return out;
}
