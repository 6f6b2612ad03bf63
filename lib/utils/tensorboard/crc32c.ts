// CRC-32C (Castagnoli) and TensorBoard's masking of it, as TFRecord files use them.
import type * as NodeRsCrc32 from '@node-rs/crc32';

// Loaded on first use: `import 'gumbel-torch'` must not need the package's writer-only dependencies.
let lib: typeof NodeRsCrc32 | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rawCrc32c = (data: Buffer): number => (lib ??= require('@node-rs/crc32') as typeof NodeRsCrc32).crc32c(data);

/** CRC-32C of the bytes (SSE4.2 / ARMv8 instructions where the CPU has them). */
export function crc32c(data: Uint8Array): number {
  return rawCrc32c(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)) >>> 0;
}

/**
 * TensorFlow's masked CRC (tensorflow/core/lib/hash/crc32c.h): a CRC of data that holds CRCs is
 * weak, so records store rotate-right-15 plus a constant instead of the plain CRC.
 */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

export function unmaskCrc(masked: number): number {
  const rot = (masked - 0xa282ead8) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}

export function maskedCrc32c(data: Uint8Array): number {
  return maskCrc(crc32c(data));
}
