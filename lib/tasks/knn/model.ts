// The tutorial's embedding network for the differentiable k-NN: Conv 1->20 k5, ReLU, max-pool 2,
// Conv 20->50 k5, ReLU, max-pool 2, Linear 800->500, ReLU. Module names are the tutorial's (conv1,
// conv2, linear), so state dicts load in either direction; PyTorch's default initialisation.
import { maxPool2d } from '../../functions';
import { Conv2d } from '../../nn/conv';
import { Linear } from '../../nn/linear';
import { Module } from '../../nn/module';
import { scope } from '../../scope';
import type { Tensor } from '../../tensor';

/** Width of the embedding (the tutorial's EMBEDDING_SIZE). */
export const EMBEDDING_SIZE = 500;

export class KnnConvNet extends Module {
  constructor() {
    super();
    this.registerModule('conv1', new Conv2d(1, 20, 5));
    this.registerModule('conv2', new Conv2d(20, 50, 5));
    this.registerModule('linear', new Linear(800, EMBEDDING_SIZE));
  }
  get conv1(): Conv2d {
    return this.child('conv1') as Conv2d;
  }
  get conv2(): Conv2d {
    return this.child('conv2') as Conv2d;
  }
  get linear(): Linear {
    return this.child('linear') as Linear;
  }
  /** Images [N, 784] or [N, 1, 28, 28] in [0, 1] to embeddings [N, 500]. */
  forward(x: Tensor): Tensor {
    return scope(() => {
      const img = x.ndim === 2 ? x.view([x.shape[0], 1, 28, 28]) : x;
      let out = maxPool2d(this.conv1.forward(img).relu(), [2, 2]);
      out = maxPool2d(this.conv2.forward(out).relu(), [2, 2]);
      return this.linear.forward(out.view([out.shape[0], -1])).relu();
    });
  }
}
