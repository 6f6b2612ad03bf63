// Cutting digits into a pieces x pieces grid, scrambling the pieces per image, and putting them back
// (the tutorial's chunk_image, batch_chunk_image and inverse_permutation_for_image), batched.
import { checkInt } from '../../check';
import { rand } from '../../creation';
import { bmm } from '../../functions';
import { scope } from '../../scope';
import { checkTensor, type Device, type Tensor } from '../../tensor';

/** Side of one square piece: as the tutorial, floor(side / pieces); the last side % pieces rows and columns are dropped. */
export function pieceSide(pieces: number, side = 28): number {
  checkInt(pieces, 'pieces', 2);
  return Math.floor(side / pieces);
}

/**
 * Images [B, H, W] (or [B, 1, H, W]) as their pieces in row-major order of the grid, [B, n, 1, s, s]
 * with n = pieces * pieces and s = floor(H / pieces) (H = W): piece k is row k / pieces, column k % pieces.
 */
export function cutPieces(images: Tensor, pieces: number): Tensor {
  const x = checkTensor(images, 'images');
  const img = x.ndim === 4 && x.size(1) === 1 ? x.squeeze(1) : x;
  if (img.ndim !== 3 || img.size(1) !== img.size(2)) throw new RangeError(`images must be square [B, H, W] or [B, 1, H, W], got shape [${x.shape}]`);
  const side = img.size(1);
  checkInt(pieces, 'pieces', 2, Math.floor(side / 2));
  const s = pieceSide(pieces, side);
  const b = img.size(0);
  // [B, p*s, p*s] -> [B, p, s, p, s] -> [B, p (row), p (column), s, s]
  return img
    .narrow(1, 0, pieces * s)
    .narrow(2, 0, pieces * s)
    .reshape([b, pieces, s, pieces, s])
    .permute([0, 1, 3, 2, 4])
    .reshape([b, pieces * pieces, 1, s, s]);
}

/** Pieces [B, n, 1, s, s] back into images [B, p*s, p*s] (cutPieces' inverse on the kept area). */
export function assemble(pieces: Tensor, perSide: number): Tensor {
  const b = pieces.size(0);
  const s = pieces.size(-1);
  return pieces.reshape([b, perSide, perSide, s, s]).permute([0, 1, 3, 2, 4]).reshape([b, perSide * s, perSide * s]);
}

/** A uniformly random permutation of 0..n-1 per row, int64 [batch, n] (the argsort of uniforms; torch's generator). */
export function randomPermutations(batch: number, n: number, device: Device = 'cpu'): Tensor<'int64'> {
  return scope(() => rand([batch, n], { device }).argsort(-1) as Tensor<'int64'>);
}

/** The scrambled pieces: out[b, i] = pieces[b, perm[b, i]], as the tutorial's pieces[permute_index]. */
export function scramble(pieces: Tensor, perm: Tensor): Tensor {
  const [b, n] = [pieces.size(0), pieces.size(1)];
  const flat = pieces.reshape([b, n, -1]);
  const idx = perm.unsqueeze(-1).expand([b, n, flat.size(2)]);
  return flat.gather(1, idx).reshape(pieces.shape);
}

/**
 * Reorders pieces by a (relaxed) permutation matrix, the tutorial's einsum('bpq,bpchw->bqchw'): out[b, q]
 * = sum_p P[b, p, q] X[b, p]. With P[b, p, q] = 1 when scrambled piece p belongs at position q, the
 * result is the unscrambled image.
 */
export function unscramble(pieces: Tensor, permutation: Tensor): Tensor {
  const [b, n] = [pieces.size(0), pieces.size(1)];
  return bmm(permutation.transpose(1, 2), pieces.reshape([b, n, -1])).reshape(pieces.shape);
}
