// The tutorial's SinkhornConvNet (after Mena et al. 2018, figure 1): a piece encoder g_1 (Conv2d, MaxPool
// 2, ReLU, BatchNorm2d) shared by every piece, and g_2, a Linear without bias from a piece's features to
// its n scores, so that row p of log_alpha scores scrambled piece p at each of the n positions.
// Gumbel-Sinkhorn in training, the exact matching (no noise) in eval. Module and parameter names are
// the tutorial's (g_1.0.weight, g_1.3.running_mean, g_2.weight), so state dicts load either way.
import { checkInt, checkNumber, checkOptions } from '../../check';
import { cat } from '../../functional';
import { BatchNorm2d } from '../../nn/batchnorm';
import { Conv2d } from '../../nn/conv';
import { ReLU } from '../../nn/activation';
import { Linear } from '../../nn/linear';
import { Module } from '../../nn/module';
import { MaxPool2d } from '../../nn/pooling';
import { gumbelSinkhorn, matching, permutationMatrix } from '../../structures/permutations';
import { checkTensor, type Device, type Tensor } from '../../tensor';
import { unscramble } from './pieces';

export interface SinkhornConvNetOptions {
  /** Channels of a piece (1 for MNIST). */
  inChannels?: number;
  /** Pieces per side (the image is cut into numPieces x numPieces); default 2. */
  numPieces?: number;
  /** Side of the square image in pixels; default 28. */
  imageSize?: number;
  /** Channels of the piece encoder; default 32. */
  hiddenChannels?: number;
  /** Kernel of the convolution (odd: padding kernelSize // 2 keeps the size); default 5. */
  kernelSize?: number;
  /** Gumbel-Sinkhorn temperature in training; default 0.1. */
  tau?: number;
  /** Sinkhorn iterations; default 20. */
  nSinkIter?: number;
  device?: Device;
}

export interface SinkhornConvNetOutput {
  /** The pieces reordered by the permutation (relaxed in training, exact in eval), [B, n, C, s, s]. */
  ordered: Tensor;
  /** [B, n, n]: P[b, p, q] = (the weight of) scrambled piece p at position q. */
  permutation: Tensor;
  /** The scores [B, n, n] the permutation was drawn from. */
  logAlpha: Tensor;
  /** Eval only: the exact matching, int64 [B, n], the position of each scrambled piece. */
  positions?: Tensor<'int64'>;
}

export interface SinkhornConvNetForwardOptions {
  /** Gumbel noise [B, n, n] to use in training instead of drawing it (parity with a reference). */
  noise?: Tensor;
}

export class SinkhornConvNet extends Module {
  readonly numPieces: number;
  readonly n: number;
  readonly pieceSize: number;
  readonly tau: number;
  readonly nSinkIter: number;
  readonly g_1: [Conv2d, MaxPool2d, ReLU, BatchNorm2d];
  readonly g_2: Linear;

  constructor(opts: SinkhornConvNetOptions = {}) {
    super();
    const o = checkOptions(opts, 'SinkhornConvNet options', ['inChannels', 'numPieces', 'imageSize', 'hiddenChannels', 'kernelSize', 'tau', 'nSinkIter', 'device']);
    const inChannels = checkInt(o.inChannels ?? 1, 'inChannels', 1);
    const imageSize = checkInt(o.imageSize ?? 28, 'imageSize', 4);
    // A piece must keep at least one pixel after the 2 x 2 max pooling.
    this.numPieces = checkInt(o.numPieces ?? 2, 'numPieces', 2, Math.floor(imageSize / 2));
    this.n = this.numPieces * this.numPieces;
    const hidden = checkInt(o.hiddenChannels ?? 32, 'hiddenChannels', 1);
    const kernel = checkInt(o.kernelSize ?? 5, 'kernelSize', 1);
    if (kernel % 2 === 0) throw new RangeError(`kernelSize must be odd (padding kernelSize // 2 keeps a piece's size), got ${kernel}`);
    this.tau = checkNumber(o.tau ?? 0.1, 'tau', { finite: true, positive: true });
    this.nSinkIter = checkInt(o.nSinkIter ?? 20, 'nSinkIter', 1);
    this.pieceSize = Math.floor(imageSize / this.numPieces);
    const pooled = Math.floor(this.pieceSize / 2);
    const device = o.device;
    // Created in the tutorial's order, so that the same seed gives the same initial weights.
    this.g_1 = [new Conv2d(inChannels, hidden, kernel, { padding: Math.floor(kernel / 2), device }), new MaxPool2d(2), new ReLU(), new BatchNorm2d(hidden, { device })];
    this.g_2 = new Linear(pooled * pooled * hidden, this.n, { bias: false, device });
  }

  /**
   * log_alpha [B, n, n] of scrambled pieces [B, n, C, s, s]. The convolution runs on all pieces at once;
   * batch normalisation runs per piece slot, as the tutorial applies g_1 to one slot's batch at a time
   * (in training its batch statistics, and its n updates of the running statistics per step, depend on it).
   */
  scores(pieces: Tensor): Tensor {
    const x = checkTensor(pieces, 'pieces');
    const want = `[B, ${this.n}, ${this.g_1[0].inChannels}, ${this.pieceSize}, ${this.pieceSize}]`;
    if (x.ndim !== 5 || x.size(1) !== this.n || x.size(2) !== this.g_1[0].inChannels || x.size(3) !== this.pieceSize || x.size(4) !== this.pieceSize)
      throw new RangeError(`pieces must be ${want}, got shape [${x.shape}]`);
    const b = x.size(0);
    const [conv, pool, relu, bn] = this.g_1;
    const slotMajor = x.transpose(0, 1).reshape([this.n * b, x.size(2), this.pieceSize, this.pieceSize]);
    const h = relu.forward(pool.forward(conv.forward(slotMajor)));
    const normed = this.training
      ? cat(
          Array.from({ length: this.n }, (_, i) => bn.forward(h.narrow(0, i * b, b))),
          0,
        )
      : bn.forward(h);
    // [n * B, F] -> [n, B, n] -> [B, n (piece), n (position)]
    return this.g_2.forward(normed.reshape([this.n, b, -1])).transpose(0, 1);
  }

  forward(pieces: Tensor, opts: SinkhornConvNetForwardOptions = {}): SinkhornConvNetOutput {
    const o = checkOptions(opts, 'SinkhornConvNet.forward options', ['noise']);
    const logAlpha = this.scores(pieces);
    if (this.training) {
      const permutation = gumbelSinkhorn(logAlpha, { tau: this.tau, iters: this.nSinkIter, noise: o.noise });
      return { ordered: unscramble(pieces, permutation), permutation, logAlpha };
    }
    const positions = matching(logAlpha.detach());
    const permutation = permutationMatrix(positions, { dtype: logAlpha.dtype });
    return { ordered: unscramble(pieces, permutation), permutation, logAlpha, positions };
  }
}
