// Discrete structures beyond one-hot: k-subsets and permutations.
export * as subsets from './subsets';
export * as permutations from './permutations';
