// The MNIST jigsaw: the tutorial's third part (Gumbel-Sinkhorn permutations).
export { assemble, cutPieces, pieceSide, randomPermutations, scramble, unscramble } from './pieces';
export { loadJigsawData, MNIST_MEAN, MNIST_STD } from './data';
export type { JigsawData, JigsawDataOptions } from './data';
export { SinkhornConvNet } from './model';
export type { SinkhornConvNetForwardOptions, SinkhornConvNetOptions, SinkhornConvNetOutput } from './model';
export { jigsawPicture } from './picture';
export { JigsawSession } from './session';
export type { JigsawSettings } from './session';
export { jigsawTask } from './task';
export { train } from './train';
export type { JigsawEpochMetrics, JigsawRun, JigsawTrainOptions } from './train';
