// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11; Random123),
// written from the paper as an independent reference for the fused CUDA kernel's noise: the words of
// the counter block (block, subsequence) under key seed, in the layout ATen's at::Philox4_32 and
// curand use (counter = [block lo, block hi, subsequence lo, subsequence hi], key = [seed lo, seed hi]).
const M0 = 0xd2511f53n;
const M1 = 0xcd9e8d57n;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const MASK = 0xffffffffn;

function mulhilo(a: bigint, b: number): [number, number] {
  const p = a * BigInt(b);
  return [Number(p >> 32n), Number(p & MASK)];
}

/** Philox4x32 with `rounds` rounds of counter ctr under key (each four / two uint32 words). */
export function philox4x32(ctr: readonly number[], key: readonly number[], rounds = 10): number[] {
  let [c0, c1, c2, c3] = ctr;
  let [k0, k1] = key;
  for (let r = 0; r < rounds; r++) {
    if (r > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const [hi0, lo0] = mulhilo(M0, c0);
    const [hi1, lo1] = mulhilo(M1, c2);
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
  }
  return [c0, c1, c2, c3];
}

/** The four words Philox reads at 128-bit block `block` of `subsequence` (all < 2^32 here). */
export function philoxBlock(seed: number, subsequence: number, block: number): number[] {
  return philox4x32([block >>> 0, 0, subsequence >>> 0, 0], [seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0]);
}

/** The kernel's float32 Gumbel from the first word: U = (w >> 9 + 1/2) 2^-23, g = -log(-log U). */
export function gumbelFloat(words: readonly number[]): number {
  const u = Math.fround(((words[0] >>> 9) + 0.5) * 2 ** -23);
  return Math.fround(-Math.fround(Math.log(Math.fround(-Math.fround(Math.log(u))))));
}

/** The kernel's float64 Gumbel from the first two words (26 bits each). */
export function gumbelDouble(words: readonly number[]): number {
  const u = ((words[0] >>> 6) * 2 ** 26 + (words[1] >>> 6) + 0.5) * 2 ** -52;
  return -Math.log(-Math.log(u));
}
