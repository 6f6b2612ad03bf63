// torch.utils: the parts gumbel-torch has.
export * as tensorboard from './tensorboard';
