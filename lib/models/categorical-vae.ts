// The seed's Categorical VAE (section 4): 784-512-256-(latents x categories) and back, with a
// Gumbel-Softmax latent, mirroring VAE_gumbel and loss_function of the PyTorch original.
import { checkBool, checkInt, checkNumber, checkOptions } from '../check';
import { zeros } from '../creation';
import { binaryCrossEntropy } from '../functional';
import { expectation, type EstimatorName, type EstimatorSpec } from '../estimators';
import { gumbelSoftmax, oneHotCategorical } from '../gumbel';
import { Linear } from '../nn/linear';
import { Module } from '../nn/module';
import { scope } from '../scope';
import { type Tensor } from '../tensor';

export interface CategoricalVAEOptions {
  latents?: number;
  categories?: number;
  /** The original applies ReLU to the encoder's logits; keep it (default) for parity. */
  reluLogits?: boolean;
}

export interface ForwardOptions {
  /** The seed's evaluate=True: an exact one-hot sample, no relaxation. */
  evaluate?: boolean;
  /** Straight-through: one-hot forward, relaxed gradient. */
  hard?: boolean;
  /** Gumbel noise [batch, latents, categories] to use instead of drawing it. */
  noise?: Tensor;
  /** Exact sampler for evaluate mode (default 'gumbel-max'). */
  evaluateMethod?: 'gumbel-max' | 'multinomial';
}

export class CategoricalVAE extends Module {
  readonly latents: number;
  readonly categories: number;
  readonly reluLogits: boolean;
  readonly fc1: Linear;
  readonly fc2: Linear;
  readonly fc3: Linear;
  readonly fc4: Linear;
  readonly fc5: Linear;
  readonly fc6: Linear;

  constructor(opts: CategoricalVAEOptions = {}) {
    super();
    checkOptions(opts, 'CategoricalVAE options', ['latents', 'categories', 'reluLogits']);
    this.latents = checkInt(opts.latents ?? 30, 'latents', 1);
    this.categories = checkInt(opts.categories ?? 10, 'categories', 2);
    this.reluLogits = checkBool(opts.reluLogits ?? true, 'reluLogits');
    const z = this.latents * this.categories;
    // Constructed in the original's order so a seeded model draws PyTorch's exact initial weights.
    this.fc1 = this.registerModule('fc1', new Linear(784, 512));
    this.fc2 = this.registerModule('fc2', new Linear(512, 256));
    this.fc3 = this.registerModule('fc3', new Linear(256, z));
    this.fc4 = this.registerModule('fc4', new Linear(z, 256));
    this.fc5 = this.registerModule('fc5', new Linear(256, 512));
    this.fc6 = this.registerModule('fc6', new Linear(512, 784));
  }

  /** Encoder logits [batch, latents * categories]. */
  encode(x: Tensor): Tensor {
    const h1 = this.fc1.forward(x).relu();
    const h2 = this.fc2.forward(h1).relu();
    const q = this.fc3.forward(h2);
    return this.reluLogits ? q.relu() : q;
  }
  decode(z: Tensor): Tensor {
    const h4 = this.fc4.forward(z).relu();
    const h5 = this.fc5.forward(h4).relu();
    return this.fc6.forward(h5).sigmoid();
  }

  /** Returns the reconstruction and q(y|x) = softmax(logits) flattened, as the original's forward. */
  forward(x: Tensor, temp: number, opts: ForwardOptions = {}): { recon: Tensor; qy: Tensor } {
    checkOptions(opts, 'forward options', ['evaluate', 'hard', 'noise', 'evaluateMethod']);
    checkNumber(temp, 'temp');
    // Only the outputs outlive the call, so a loop that disposes them leaves nothing behind.
    return scope(() => {
      const q = this.encode(x.view(-1, 784));
      const qy = q.view(q.shape[0], this.latents, this.categories);
      const z = opts.evaluate
        ? oneHotCategorical(qy, { method: opts.evaluateMethod })
        : gumbelSoftmax(qy, { tau: temp, hard: opts.hard ?? false, noise: opts.noise });
      const recon = this.decode(z.view(-1, this.latents * this.categories));
      return { recon, qy: qy.softmax(-1).reshape(...q.shape) };
    });
  }

  /** BCE summed over pixels / batch + KL(q(y|x) || uniform), as the original's loss_function. */
  loss(recon: Tensor, x: Tensor, qy: Tensor): Tensor {
    // A scope of its own: the intermediates are freed now even when the caller runs no scope.
    return scope(() => {
      const bce = binaryCrossEntropy(recon, x.view(-1, 784), { reduction: 'sum' }).div(x.shape[0]);
      const logRatio = qy.mul(this.categories).add(1e-20).log();
      const kld = qy.mul(logRatio).sum(-1).mean();
      return bce.add(kld);
    });
  }

  /**
   * Per-example reconstruction losses (BCE summed over pixels) of latent codes z [S, B, L, C] against
   * x [B, 784], or of codes shared by the batch, z [N, 1, L, C] (exact enumeration): returns [S, B].
   */
  reconstructionLosses(z: Tensor, x: Tensor): Tensor {
    const [s, b] = z.shape;
    const target = x.view(-1, 784);
    const recon = this.decode(z.reshape(s * b, this.latents * this.categories));
    if (b === target.shape[0]) {
      const xs = target.unsqueeze(0).expand(s, b, 784).reshape(s * b, 784);
      return binaryCrossEntropy(recon, xs, { reduction: 'none' }).sum(-1).view(s, b);
    }
    // Every code against every image without an [N, B, 784] intermediate: BCE's two log terms
    // (clamped at -100 as binary_cross_entropy does) as matrix products.
    const logR = recon.log().clamp(-100);
    const log1mR = recon.rsub(1).log().clamp(-100);
    return logR.matmul(target.t()).add(log1mR.matmul(target.rsub(1).t())).neg();
  }

  /** KL(q(y|x) || uniform) averaged over the batch, as in loss(). */
  klUniform(qy: Tensor): Tensor {
    const logRatio = qy.mul(this.categories).add(1e-20).log();
    return qy.mul(logRatio).sum(-1).mean();
  }

  /**
   * The loss with a chosen gradient estimator: E_z[BCE(decode(z), x)] / batch + KL(q || uniform), where
   * the expectation's gradient is the estimator's (rloo and exact see the loss of each sample).
   */
  estimatorLoss(x: Tensor, tau: number, estimator: EstimatorSpec | EstimatorName): Tensor {
    const q = this.encode(x.view(-1, 784));
    const logits = q.view(q.shape[0], this.latents, this.categories);
    const spec = typeof estimator === 'string' ? { name: estimator } : estimator;
    const rec = expectation(logits, (z) => this.reconstructionLosses(z, x), { tau, ...spec });
    return rec.mean().add(this.klUniform(logits.softmax(-1).reshape(...q.shape)));
  }

  /** Decodes latent one-hot codes drawn uniformly from the prior: the seed's generation step. */
  samplePrior(n: number): Tensor {
    checkInt(n, 'n', 1);
    // Uniform prior: OneHotCategorical(probs = 1/C), as the seed's generate_samples().
    const uniform = zeros([n, this.latents, this.categories], { device: this.fc1.weight.device });
    return this.decode(oneHotCategorical(uniform).view(n, this.latents * this.categories));
  }
}
