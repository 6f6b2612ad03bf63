// Pooling modules (nn.MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool1d/2d) over the op table's functions;
// stride defaults to the kernel size, as in PyTorch.
import { checkBool, checkOptions } from '../check';
import { adaptiveAvgPool1d, adaptiveAvgPool2d, avgPool1d, avgPool2d, maxPool1d, maxPool2d } from '../functions';
import type { Tensor } from '../tensor';
import { type Size, sizes } from './conv';
import { Module } from './module';

export interface MaxPoolOptions {
  stride?: Size | null;
  padding?: Size;
  dilation?: Size;
  ceilMode?: boolean;
}
export interface AvgPoolOptions {
  stride?: Size | null;
  padding?: Size;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

abstract class MaxPoolNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly dilation: number[];
  readonly ceilMode: boolean;
  constructor(kind: string, n: number, kernelSize: Size, opts: MaxPoolOptions = {}) {
    super();
    const o = checkOptions(opts, `${kind} options`, ['stride', 'padding', 'dilation', 'ceilMode']);
    this.kernelSize = sizes(kernelSize, n, 'kernelSize', 1);
    this.stride = sizes(o.stride ?? kernelSize, n, 'stride', 1);
    this.padding = sizes(o.padding ?? 0, n, 'padding', 0);
    this.dilation = sizes(o.dilation ?? 1, n, 'dilation', 1);
    this.ceilMode = checkBool(o.ceilMode ?? false, 'ceilMode');
  }
}

export class MaxPool1d extends MaxPoolNd {
  constructor(kernelSize: Size, opts?: MaxPoolOptions) {
    super('MaxPool1d', 1, kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    return maxPool1d(x, this.kernelSize, this.stride, this.padding, this.dilation, this.ceilMode);
  }
}

export class MaxPool2d extends MaxPoolNd {
  constructor(kernelSize: Size, opts?: MaxPoolOptions) {
    super('MaxPool2d', 2, kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.stride, this.padding, this.dilation, this.ceilMode);
  }
}

abstract class AvgPoolNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  constructor(kind: string, n: number, kernelSize: Size, opts: AvgPoolOptions = {}) {
    super();
    const o = checkOptions(opts, `${kind} options`, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
    this.kernelSize = sizes(kernelSize, n, 'kernelSize', 1);
    this.stride = sizes(o.stride ?? kernelSize, n, 'stride', 1);
    this.padding = sizes(o.padding ?? 0, n, 'padding', 0);
    this.ceilMode = checkBool(o.ceilMode ?? false, 'ceilMode');
    this.countIncludePad = checkBool(o.countIncludePad ?? true, 'countIncludePad');
  }
}

export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: Size, opts?: AvgPoolOptions) {
    super('AvgPool1d', 1, kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    return avgPool1d(x, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad);
  }
}

export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: Size, opts?: AvgPoolOptions) {
    super('AvgPool2d', 2, kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad);
  }
}

export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: Size) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool1d(x, this.outputSize);
  }
}

export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: Size) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}
