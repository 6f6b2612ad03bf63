// The base of the distributions, shaped like torch.distributions.Distribution. A distribution owns the
// tensors it derives from its parameters (normalised logits, probs): dispose() frees them, and a scope
// that created it frees them at its end.
import { checkShape } from '../check';
import { scope } from '../scope';
import { type Tensor } from '../tensor';
import { categoricalParams, type ProbsOrLogits } from './params';

export abstract class Distribution {
  /** The tensors this distribution made (freed by dispose()). */
  protected readonly owned: Tensor[] = [];

  /** Shape of one event (e.g. [C] for a one-hot categorical, [] for a Bernoulli). */
  abstract get eventShape(): number[];
  /** Shape of the independent batch of distributions. */
  abstract get batchShape(): number[];

  /** A sample of shape [...sampleShape, ...batchShape, ...eventShape], without gradient. */
  abstract sample(sampleShape?: number[]): Tensor;
  abstract logProb(value: Tensor): Tensor;

  /** Reparameterised sample (gradient flows to the parameters); only where PyTorch defines one. */
  rsample(_sampleShape?: number[]): Tensor {
    throw new Error(`${this.constructor.name} has no rsample: it is not reparameterizable (has_rsample is False in torch.distributions)`);
  }
  entropy(): Tensor {
    throw new Error(`${this.constructor.name}.entropy() is not defined in closed form (torch.distributions raises NotImplementedError too)`);
  }
  get mean(): Tensor {
    throw new Error(`${this.constructor.name}.mean is not defined in closed form (torch.distributions raises NotImplementedError too)`);
  }

  protected own<T extends Tensor>(t: T): T {
    this.owned.push(t);
    return t;
  }
  /** [...sampleShape, ...batchShape, ...eventShape] */
  protected extendedShape(sampleShape: number[] = []): number[] {
    return [...checkShape(sampleShape, 'sampleShape'), ...this.batchShape, ...this.eventShape];
  }

  dispose(): void {
    for (const t of this.owned) t.dispose();
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** A distribution given by probs or logits (the other computed from it), which it owns. */
export abstract class ParameterisedDistribution extends Distribution {
  /** Log-probabilities (normalised over the categories) or, for binary ones, log-odds. */
  readonly logits: Tensor;
  readonly probs: Tensor;
  protected constructor(p: { logits: Tensor; probs: Tensor }) {
    super();
    this.logits = this.own(p.logits);
    this.probs = this.own(p.probs);
  }
}

/** A distribution over one-hot vectors of C categories, parameterised by probs or logits [..., C]. */
export abstract class CategoricalFamily extends ParameterisedDistribution {
  constructor(params: ProbsOrLogits, who: string) {
    super(categoricalParams(params, who));
  }
  get eventShape(): number[] {
    return this.logits.shape.slice(-1);
  }
  get batchShape(): number[] {
    return this.logits.shape.slice(0, -1);
  }
}

/** Every entry 0 or 1 (v * (1 - v) == 0 holds for nothing else, NaN and infinities included). */
export function isBinary(v: Tensor): boolean {
  return v.dtype === 'bool' || scope(() => v.mul(v.rsub(1)).eq(0).all().item() === true);
}
