// TFRecord framing, the container of TensorBoard's event files:
//   uint64 length (little-endian), uint32 masked CRC-32C of those 8 bytes, data, uint32 masked CRC-32C of data.
import { maskedCrc32c } from './crc32c';

/** One record around `data`. */
export function encodeRecord(data: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(data.length + 16);
  out.writeBigUInt64LE(BigInt(data.length), 0);
  out.writeUInt32LE(maskedCrc32c(out.subarray(0, 8)), 8);
  out.set(data, 12);
  out.writeUInt32LE(maskedCrc32c(data), 12 + data.length);
  return out;
}

export interface RecordScan {
  /** The data of each whole record with good CRCs, in order. */
  records: Uint8Array[];
  /** Bytes of a last record that is not whole yet (a writer still at it, or a killed process). */
  trailing: number;
  /** Bytes taken by the records read (where a later scan of a growing file starts). */
  consumed: number;
  /** What stopped the scan before the end, if not a partial last record: a CRC mismatch names its offset. */
  error?: string;
}

/**
 * Reads the records of a file's bytes as TensorBoard's reader does: a last record that is cut
 * short is left for later (it may still be being written), a bad CRC ends the file.
 */
export function readRecords(buf: Uint8Array): RecordScan {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const records: Uint8Array[] = [];
  let off = 0;
  while (off < b.length) {
    if (b.length - off < 12) return { records, trailing: b.length - off, consumed: off };
    const header = b.subarray(off, off + 8);
    if (b.readUInt32LE(off + 8) !== maskedCrc32c(header)) return { records, trailing: 0, consumed: off, error: `bad length CRC at byte ${off}` };
    const len = b.readBigUInt64LE(off);
    if (len > BigInt(b.length - off - 16)) return { records, trailing: b.length - off, consumed: off };
    const n = Number(len);
    const data = b.subarray(off + 12, off + 12 + n);
    if (b.readUInt32LE(off + 12 + n) !== maskedCrc32c(data)) return { records, trailing: 0, consumed: off, error: `bad data CRC at byte ${off}` };
    records.push(data);
    off += n + 16;
  }
  return { records, trailing: 0, consumed: off };
}
