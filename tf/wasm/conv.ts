/**
 * Convolution kernels for wasm, built on the fast matrix product (wasm-im2col.ts for the patch
 * matrices). Conv2DBackpropFilter is missing there (tf.layers conv1d/conv2d could not train):
 * the input's patch matrix, built transposed as [fH·fW·inC, N·outH·outW], times dy.
 * Conv2DBackpropInput exists but is a naive loop (~0.5 s per layer at batch 32): with stride 1
 * it becomes the native forward convolution of dy with the turned filter, otherwise
 * dx = col2im(dy · Wᵀ). Forward Conv2D stays native (as fast as im2col here) except 1×1
 * convolutions (a plain product) and the shapes where the native kernel overflows its buffer.
 * NHWC only; NCHW goes to the stock or cpu kernel.
 */
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { type BackendWasm, call, free, reshape } from './ops.ts';
import { col2im, im2col, im2colT, isPointwise } from './im2col.ts';
import { viaCpu } from './fallback.ts';

type Conv2DInfo = backend_util.Conv2DInfo;

interface BackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

export function conv2dBackpropFilterConfig(): KernelConfig {
  const fallback = viaCpu('Conv2DBackpropFilter');
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const a = args.attrs as unknown as BackpropFilterAttrs;
    if (a.dataFormat === 'NCHW' || x.dtype !== 'float32') return fallback(args);
    const c = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      a.filterShape,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
      false,
      'channelsLast',
    );
    // Patches built transposed ([R, P]) make dW = patchesᵀ·dy a plain product, with no
    // Transpose kernels on [P, ·] matrices (~20% faster than im2col + a transposed product).
    // A 1×1 convolution's patches are x itself: there the product picks what to transpose.
    const pointwise = isPointwise(c);
    const patches = pointwise ? im2col(backend, x, c) : im2colT(backend, x, c);
    const dy2 = reshape(backend, dy, [c.batchSize * c.outHeight * c.outWidth, c.outChannels]);
    const dw2 = call(backend, 'BatchMatMul', { a: patches, b: dy2 }, { transposeA: pointwise, transposeB: false });
    free(backend, patches, dy2);
    const dw = reshape(backend, dw2, a.filterShape);
    free(backend, dw2);
    return dw;
  };
  return { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc };
}

interface BackpropInputAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

export function conv2dBackpropInputConfig(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = args.attrs as unknown as BackpropInputAttrs;
    if (a.dataFormat === 'NCHW' || dy.dtype !== 'float32') return original.kernelFunc(args);
    const c = backend_util.computeConv2DInfo(
      a.inputShape,
      filter.shape as [number, number, number, number],
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
      false,
      'channelsLast',
    );
    if (!isPointwise(c) && c.strideHeight === 1 && c.strideWidth === 1) {
      const full = fullCorrelationPads(c);
      if (full) return fullCorrelation(backend, dy, filter, full);
    }
    const R = c.filterHeight * c.filterWidth * c.inChannels;
    const dy2 = reshape(backend, dy, [c.batchSize * c.outHeight * c.outWidth, c.outChannels]);
    const w2 = reshape(backend, filter, [R, c.outChannels]);
    const cols = call(backend, 'BatchMatMul', { a: dy2, b: w2 }, { transposeA: false, transposeB: true });
    free(backend, dy2, w2);
    if (isPointwise(c)) {
      const dx = reshape(backend, cols, a.inputShape);
      free(backend, cols);
      return dx;
    }
    const dx = col2im(backend, cols, c);
    free(backend, cols);
    return dx;
  };
  return { ...original, kernelFunc };
}

/**
 * With stride 1, dx is the forward convolution of dy with the filter turned 180° and its
 * channel axes swapped, padded by (filter − 1 − pad) on each side: the native forward kernel,
 * with no col2im pass. Null when a pad exceeds filter − 1 (explicit pads), which col2im handles.
 */
function fullCorrelationPads(c: Conv2DInfo): [number, number, number, number] | null {
  const p = c.padInfo;
  const pads: [number, number, number, number] = [
    c.filterHeight - 1 - p.top,
    c.filterHeight - 1 - p.bottom,
    c.filterWidth - 1 - p.left,
    c.filterWidth - 1 - p.right,
  ];
  return pads.every((v) => v >= 0) ? pads : null;
}

function fullCorrelation(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, [t, b, l, r]: [number, number, number, number]): TensorInfo {
  const turned = call(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
  const swapped = call(backend, 'Transpose', { x: turned }, { perm: [0, 1, 3, 2] });
  free(backend, turned);
  const dx = call(backend, 'Conv2D', { x: dy, filter: swapped }, {
    strides: [1, 1],
    pad: [[0, 0], [t, b], [l, r], [0, 0]],
    dataFormat: 'NHWC',
    dilations: [1, 1],
  });
  free(backend, swapped);
  return dx;
}

/**
 * XNNPACK sizes its output from the pads itself; tfjs sizes the buffer from computeConv2DInfo.
 * They disagree for a numeric pad with a non-square filter or stride (tfjs uses the height for
 * both) and for some dimRoundingModes, and then the native kernel writes past its buffer and
 * corrupts the wasm heap. Those convolutions go through im2col, which follows tfjs's sizes
 * (the cpu backend's result).
 */
export function nativeConvSizesAgree(c: Conv2DInfo): boolean {
  if (c.padInfo.type === 'SAME') return true;
  const h = Math.floor((c.inHeight + c.padInfo.top + c.padInfo.bottom - c.effectiveFilterHeight) / c.strideHeight) + 1;
  const w = Math.floor((c.inWidth + c.padInfo.left + c.padInfo.right - c.effectiveFilterWidth) / c.strideWidth) + 1;
  return h === c.outHeight && w === c.outWidth;
}

interface ConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
  leakyreluAlpha?: number;
}

function convInfoOf(x: TensorInfo, filter: TensorInfo, a: ConvAttrs, depthwise: boolean): Conv2DInfo {
  return backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
    depthwise,
    'channelsLast',
  );
}

/** Conv2D / FusedConv2D: native, except 1×1 convolutions and those whose sizes disagree (see nativeConvSizesAgree). */
export function conv2dForwardConfig(original: KernelConfig): KernelConfig {
  const fused = original.kernelName === 'FusedConv2D';
  const fallback = viaCpu(original.kernelName);
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined> & { x: TensorInfo; filter: TensorInfo };
    const a = args.attrs as unknown as ConvAttrs;
    if (a.dataFormat === 'NCHW') return original.kernelFunc(args);
    const c = convInfoOf(x, filter, a, false);
    // A 1×1 convolution is a plain product: XNNPACK's GEMM beats its convolution there.
    const pointwise = isPointwise(c);
    if (!pointwise && nativeConvSizesAgree(c)) return original.kernelFunc(args);
    if (preluActivationWeights || (bias && bias.shape.length !== 1)) return pointwise ? original.kernelFunc(args) : fallback(args);
    const patches = im2col(backend, x, c);
    const P = c.batchSize * c.outHeight * c.outWidth;
    const R = c.filterHeight * c.filterWidth * c.inChannels;
    const a3 = reshape(backend, patches, [1, P, R]);
    const b3 = reshape(backend, filter, [1, R, c.outChannels]);
    free(backend, patches);
    const y = fused
      ? call(backend, '_FusedMatMul', bias ? { a: a3, b: b3, bias } : { a: a3, b: b3 }, {
          transposeA: false,
          transposeB: false,
          activation: a.activation ?? 'linear',
          leakyreluAlpha: a.leakyreluAlpha ?? 0,
        })
      : call(backend, 'BatchMatMul', { a: a3, b: b3 }, { transposeA: false, transposeB: false });
    free(backend, a3, b3);
    const out = reshape(backend, y, c.outShape);
    free(backend, y);
    return out;
  };
  return { ...original, kernelFunc };
}

/** DepthwiseConv2dNative / FusedDepthwiseConv2D: native unless the sizes disagree, then cpu. */
export function depthwiseForwardConfig(original: KernelConfig): KernelConfig {
  const fallback = viaCpu(original.kernelName);
  const kernelFunc: KernelFunc = (args) => {
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const a = args.attrs as unknown as ConvAttrs;
    if (a.dataFormat === 'NCHW') return original.kernelFunc(args);
    return nativeConvSizesAgree(convInfoOf(x, filter, a, true)) ? original.kernelFunc(args) : fallback(args);
  };
  return { ...original, kernelFunc };
}
