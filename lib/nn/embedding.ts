// nn.Embedding with PyTorch's initialisation (normal_, then the padding row zeroed), paddingIdx (that
// row gets no gradient), maxNorm (rows looked up are renormalised in place first, as
// torch.embedding_renorm_) and fromPretrained.
import { checkBool, checkInt, checkNumber, checkOptions } from '../check';
import { empty, tensor } from '../creation';
import { embedding } from '../functions';
import { noGrad } from '../runtime';
import { checkTensor, type Tensor, type TensorOptions } from '../tensor';
import { Module } from './module';

export interface EmbeddingOptions extends Pick<TensorOptions, 'dtype' | 'device'> {
  /** This row is zero at initialisation and gets no gradient; negative counts from the end. */
  paddingIdx?: number | null;
  /** Rows looked up whose normType-norm exceeds maxNorm are rescaled to maxNorm, in place. */
  maxNorm?: number | null;
  /** The p of maxNorm's norm; default 2. */
  normType?: number;
  /** Scale gradients by the inverse frequency of the words in the mini-batch; default false. */
  scaleGradByFreq?: boolean;
}
export interface FromPretrainedOptions extends Omit<EmbeddingOptions, 'dtype' | 'device'> {
  /** No gradient for the weight (requiresGrad false); default true. */
  freeze?: boolean;
}

const KEYS = ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq'] as const;

export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;

  constructor(numEmbeddings: number, embeddingDim: number, opts?: EmbeddingOptions, weight?: Tensor) {
    super();
    const o = checkOptions(opts, 'Embedding options', [...KEYS, 'dtype', 'device']);
    this.numEmbeddings = checkInt(numEmbeddings, 'numEmbeddings', 1);
    this.embeddingDim = checkInt(embeddingDim, 'embeddingDim', 1);
    const pad = o.paddingIdx ?? null;
    const n = this.numEmbeddings;
    this.paddingIdx = pad === null ? null : checkInt(pad, 'paddingIdx', -n, n - 1);
    if (this.paddingIdx !== null && this.paddingIdx < 0) this.paddingIdx += n;
    this.maxNorm = o.maxNorm === undefined || o.maxNorm === null ? null : checkNumber(o.maxNorm, 'maxNorm', { positive: true });
    this.normType = checkNumber(o.normType ?? 2, 'normType');
    this.scaleGradByFreq = checkBool(o.scaleGradByFreq ?? false, 'scaleGradByFreq');
    if (weight) {
      this.registerParameter('weight', weight);
      return;
    }
    this.registerParameter('weight', empty([n, this.embeddingDim], { dtype: o.dtype, device: o.device }));
    this.resetParameters();
  }

  /** Rows of a 2-D tensor as an Embedding (PyTorch's from_pretrained: the padding row is kept as given). */
  static fromPretrained(embeddings: Tensor, opts?: FromPretrainedOptions): Embedding {
    checkTensor(embeddings, 'embeddings');
    if (embeddings.ndim !== 2) throw new RangeError(`Embedding.fromPretrained: embeddings must be 2-D, got shape [${embeddings.shape}]`);
    if (!embeddings.isFloatingPoint) throw new TypeError(`Embedding.fromPretrained: embeddings must be floating point, got ${embeddings.dtype}`);
    const { freeze, ...rest } = checkOptions(opts, 'Embedding.fromPretrained options', [...KEYS, 'freeze']);
    const frozen = checkBool(freeze ?? true, 'freeze');
    const e = new Embedding(embeddings.size(0), embeddings.size(1), rest, embeddings.detach());
    e.weight.requiresGrad = !frozen;
    return e;
  }

  /** PyTorch's default: normal_(weight), then the padding row set to zero. */
  resetParameters(): void {
    noGrad(() => {
      this.weight.normal_(0, 1);
      if (this.paddingIdx !== null) this.weight.select(0, this.paddingIdx).fill_(0);
    });
  }
  get weight(): Tensor {
    return this.param('weight');
  }

  forward(input: Tensor): Tensor {
    checkTensor(input, 'input');
    if (input.dtype !== 'int64' && input.dtype !== 'int32') throw new TypeError(`Embedding(${this.numEmbeddings}, ${this.embeddingDim}): input must be int64 or int32 indices, got ${input.dtype}`);
    if (this.maxNorm !== null) this.#renorm(input);
    return embedding(input, this.weight, this.paddingIdx, this.scaleGradByFreq);
  }

  /**
   * torch.embedding_renorm_: every distinct row looked up whose norm exceeds maxNorm is multiplied by
   * maxNorm / (norm + 1e-7), the scale computed in double as ATen does, without autograd.
   */
  #renorm(input: Tensor): void {
    noGrad(() => {
      const n = this.numEmbeddings;
      const idx = input.flatten().to({ dtype: 'int64' });
      const lo = idx.numel() ? Number(idx.min().item()) : 0;
      const hi = idx.numel() ? Number(idx.max().item()) : 0;
      if (lo < 0 || hi >= n) throw new RangeError(`Embedding(${n}, ${this.embeddingDim}): index ${lo < 0 ? lo : hi} out of range [0, ${n - 1}]`);
      const rows = idx.unique() as Tensor;
      const norms = this.weight.indexSelect(0, rows).norm(this.normType, [1]).data();
      const maxNorm = this.maxNorm as number;
      const pick: number[] = [];
      const scale: number[] = [];
      const ids = rows.data();
      for (let i = 0; i < norms.length; i++) {
        const v = Number(norms[i]);
        if (v > maxNorm) {
          pick.push(Number(ids[i]));
          scale.push(maxNorm / (v + 1e-7));
        }
      }
      if (pick.length === 0) return;
      const at = tensor(pick, { dtype: 'int64', device: this.weight.device });
      const s = tensor(scale, { dtype: this.weight.dtype, device: this.weight.device }).unsqueeze(1);
      this.weight.indexCopy_(0, at, this.weight.indexSelect(0, at).mul(s));
    });
  }
}
