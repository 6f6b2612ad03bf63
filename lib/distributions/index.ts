// Distributions shaped like torch.distributions, built on the native Gumbel family.
export { Distribution } from './distribution';
export { OneHotCategorical } from './one-hot-categorical';
export { ExpRelaxedCategorical, RelaxedOneHotCategorical } from './relaxed-categorical';
export type { RelaxedSampleOptions } from './relaxed-categorical';
export { Bernoulli, RelaxedBernoulli } from './bernoulli';
export type { RelaxedBernoulliSampleOptions } from './bernoulli';
export { klDivergence } from './kl';
export type { ProbsOrLogits } from './params';
