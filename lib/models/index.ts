export { CategoricalVAE } from './categorical-vae';
export type { CategoricalVAEOptions, ForwardOptions } from './categorical-vae';
