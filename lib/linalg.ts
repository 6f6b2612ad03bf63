// torch.linalg: PyTorch's linear-algebra namespace, for the table ops that PyTorch spells linalg.x
// (the table names them linalgX: one name per op, and torch.linalgNorm stays too).
import { linalgNorm } from './functions';

/** torch.linalg.norm(A, ord?, dim?, keepdim?, { dtype }): a vector norm, or a matrix norm over two dims. */
export const norm = linalgNorm;
