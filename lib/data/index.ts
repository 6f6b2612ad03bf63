export { readIdx } from './idx';
export type { IdxArray } from './idx';
export { loadImages, defaultMnistDir } from './mnist';
export type { Split, LoadImagesOptions } from './mnist';
export { loadLabels } from './labels';
export type { LoadLabelsOptions } from './labels';
export { DataLoader } from './dataloader';
export type { DataLoaderOptions } from './dataloader';
