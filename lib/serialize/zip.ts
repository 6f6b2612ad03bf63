// The zip container of torch.save files: a reader that treats the file as hostile (every offset and
// size is checked against the buffer, CRCs are verified as PyTorch's miniz does) and a writer laid
// out as PyTorch's (stored entries, data aligned to 64 bytes, zip64 when an offset or size needs it).
import * as buffer from 'node:buffer';
import * as zlib from 'node:zlib';

export class ZipError extends Error {}

const U32 = 0xffffffff;
const U16 = 0xffff;
const MAX_ENTRIES = 1 << 20;

let crcTable: Uint32Array | undefined;
/** CRC-32 as zip stores it (zlib's when Node has it, Node < 20.15 computes it here). */
export function crc32(data: Uint8Array): number {
  const native = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32;
  if (native) return native(data) >>> 0;
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let c = U32;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ U32) >>> 0;
}

interface Entry {
  method: number;
  crc: number;
  compressed: number;
  size: number;
  localOffset: number;
  flags: number;
}

function u64(buf: Buffer, at: number, what: string): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError(`${what} ${v} is out of range`);
  return Number(v);
}

/** Read access to the entries of a zip held in memory. */
export class ZipReader {
  readonly #buf: Buffer;
  readonly #entries = new Map<string, Entry>();

  constructor(buf: Buffer) {
    this.#buf = buf;
    this.#parse();
  }

  get names(): string[] {
    return [...this.#entries.keys()];
  }
  has(name: string): boolean {
    return this.#entries.has(name);
  }

  #need(at: number, len: number, what: string): void {
    if (!(at >= 0 && len >= 0 && at + len <= this.#buf.length)) throw new ZipError(`${what} lies outside the file (truncated?)`);
  }

  #parse(): void {
    const b = this.#buf;
    let eocd = -1;
    for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - U16); i--) {
      if (b.readUInt32LE(i) === 0x06054b50 && i + 22 + b.readUInt16LE(i + 20) <= b.length) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ZipError('no zip end-of-central-directory record (truncated or not a zip)');
    let count = b.readUInt16LE(eocd + 10);
    let cdSize = b.readUInt32LE(eocd + 12);
    let cdOffset = b.readUInt32LE(eocd + 16);
    if (count === U16 || cdSize === U32 || cdOffset === U32) {
      const loc = eocd - 20;
      this.#need(loc, 20, 'zip64 locator');
      if (b.readUInt32LE(loc) !== 0x07064b50) throw new ZipError('zip64 locator missing');
      const z = u64(b, loc + 8, 'zip64 record offset');
      this.#need(z, 56, 'zip64 end record');
      if (b.readUInt32LE(z) !== 0x06064b50) throw new ZipError('zip64 end record missing');
      count = u64(b, z + 32, 'entry count');
      cdSize = u64(b, z + 40, 'central directory size');
      cdOffset = u64(b, z + 48, 'central directory offset');
    }
    this.#need(cdOffset, cdSize, 'central directory');
    if (count > MAX_ENTRIES || count * 46 > cdSize) throw new ZipError(`entry count ${count} does not fit the central directory`);
    let p = cdOffset;
    const end = cdOffset + cdSize;
    for (let i = 0; i < count; i++) {
      if (p + 46 > end || b.readUInt32LE(p) !== 0x02014b50) throw new ZipError(`central directory entry ${i} is damaged`);
      const nameLen = b.readUInt16LE(p + 28);
      const extraLen = b.readUInt16LE(p + 30);
      const commentLen = b.readUInt16LE(p + 32);
      if (p + 46 + nameLen + extraLen + commentLen > end) throw new ZipError(`central directory entry ${i} overruns the directory`);
      const name = b.toString('utf8', p + 46, p + 46 + nameLen);
      const e: Entry = {
        flags: b.readUInt16LE(p + 8),
        method: b.readUInt16LE(p + 10),
        crc: b.readUInt32LE(p + 16),
        compressed: b.readUInt32LE(p + 20),
        size: b.readUInt32LE(p + 24),
        localOffset: b.readUInt32LE(p + 42),
      };
      this.#zip64Extra(e, p + 46 + nameLen, extraLen);
      if (this.#entries.has(name)) throw new ZipError(`duplicate entry '${name}'`);
      this.#entries.set(name, e);
      p += 46 + nameLen + extraLen + commentLen;
    }
  }

  // Sizes and offsets that do not fit 32 bits live in the zip64 extra field (id 1), in this order.
  #zip64Extra(e: Entry, at: number, len: number): void {
    const b = this.#buf;
    for (let q = at; q + 4 <= at + len; ) {
      const id = b.readUInt16LE(q);
      const size = b.readUInt16LE(q + 2);
      if (q + 4 + size > at + len) throw new ZipError('zip extra field overruns its entry');
      if (id === 1) {
        let r = q + 4;
        const next = (what: string): number => {
          if (r + 8 > q + 4 + size) throw new ZipError('zip64 extra field is too short');
          const v = u64(b, r, what);
          r += 8;
          return v;
        };
        if (e.size === U32) e.size = next('entry size');
        if (e.compressed === U32) e.compressed = next('entry compressed size');
        if (e.localOffset === U32) e.localOffset = next('entry offset');
      }
      q += 4 + size;
    }
  }

  /** The bytes of one entry (a view into the file for stored entries), CRC-checked. */
  read(name: string): Buffer {
    const e = this.#entries.get(name);
    if (!e) throw new ZipError(`no entry '${name}'`);
    const b = this.#buf;
    if (e.flags & 1) throw new ZipError(`entry '${name}' is encrypted`);
    this.#need(e.localOffset, 30, `local header of '${name}'`);
    if (b.readUInt32LE(e.localOffset) !== 0x04034b50) throw new ZipError(`local header of '${name}' is damaged`);
    const start = e.localOffset + 30 + b.readUInt16LE(e.localOffset + 26) + b.readUInt16LE(e.localOffset + 28);
    this.#need(start, e.compressed, `data of '${name}'`);
    const raw = b.subarray(start, start + e.compressed);
    let data: Buffer;
    if (e.method === 0) {
      if (e.compressed !== e.size) throw new ZipError(`stored entry '${name}' has two sizes`);
      data = raw;
    } else if (e.method === 8) {
      // The declared size bounds what inflating may allocate (a zip bomb ends there, with an Error).
      if (e.size > buffer.constants.MAX_LENGTH) throw new ZipError(`entry '${name}' declares ${e.size} bytes, more than a Buffer holds`);
      try {
        data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
      } catch (err) {
        throw new ZipError(`entry '${name}' does not inflate (${(err as Error).message})`);
      }
      if (data.length !== e.size) throw new ZipError(`entry '${name}' inflates to ${data.length} bytes, not ${e.size}`);
    } else {
      throw new ZipError(`entry '${name}' uses compression method ${e.method} (only stored and deflate are read)`);
    }
    if (crc32(data) !== e.crc) throw new ZipError(`entry '${name}' fails its CRC-32 check (the file is damaged)`);
    return data;
  }
}

/** Lays out stored entries as PyTorch's writer does; returns the file as a list of chunks. */
export function writeZip(entries: { name: string; data: Uint8Array }[]): Buffer[] {
  const out: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const push = (b: Buffer): void => {
    out.push(b);
    offset += b.length;
  };
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const big = data.length >= U32 || offset >= U32;
    const z64Local = big ? 20 : 0;
    // Padding extra field ('FB', as PyTorch) so the data starts on a 64-byte boundary.
    const base = offset + 30 + nameBytes.length + z64Local + 4;
    const pad = (64 - (base % 64)) % 64;
    const local = Buffer.alloc(30 + nameBytes.length + z64Local + 4 + pad);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(big ? 45 : 20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(big ? U32 : data.length, 18);
    local.writeUInt32LE(big ? U32 : data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(z64Local + 4 + pad, 28);
    nameBytes.copy(local, 30);
    let q = 30 + nameBytes.length;
    if (big) {
      local.writeUInt16LE(1, q);
      local.writeUInt16LE(16, q + 2);
      local.writeBigUInt64LE(BigInt(data.length), q + 4);
      local.writeBigUInt64LE(BigInt(data.length), q + 12);
      q += 20;
    }
    local.writeUInt16LE(0x4246, q);
    local.writeUInt16LE(pad, q + 2);
    const headerAt = offset;
    push(local);
    push(Buffer.from(data.buffer, data.byteOffset, data.length));

    const z64Central = big ? 28 : 0;
    const c = Buffer.alloc(46 + nameBytes.length + z64Central);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(big ? 45 : 20, 4);
    c.writeUInt16LE(big ? 45 : 20, 6);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(big ? U32 : data.length, 20);
    c.writeUInt32LE(big ? U32 : data.length, 24);
    c.writeUInt16LE(nameBytes.length, 28);
    c.writeUInt16LE(z64Central, 30);
    c.writeUInt32LE(big ? U32 : headerAt, 42);
    nameBytes.copy(c, 46);
    if (big) {
      const x = 46 + nameBytes.length;
      c.writeUInt16LE(1, x);
      c.writeUInt16LE(24, x + 2);
      c.writeBigUInt64LE(BigInt(data.length), x + 4);
      c.writeBigUInt64LE(BigInt(data.length), x + 12);
      c.writeBigUInt64LE(BigInt(headerAt), x + 20);
    }
    central.push(c);
  }
  const cdOffset = offset;
  for (const c of central) push(c);
  const cdSize = offset - cdOffset;
  const n = entries.length;
  if (n >= U16 || cdOffset >= U32 || cdSize >= U32) {
    const z = Buffer.alloc(56 + 20);
    z.writeUInt32LE(0x06064b50, 0);
    z.writeBigUInt64LE(44n, 4);
    z.writeUInt16LE(45, 12);
    z.writeUInt16LE(45, 14);
    z.writeBigUInt64LE(BigInt(n), 24);
    z.writeBigUInt64LE(BigInt(n), 32);
    z.writeBigUInt64LE(BigInt(cdSize), 40);
    z.writeBigUInt64LE(BigInt(cdOffset), 48);
    z.writeUInt32LE(0x07064b50, 56);
    z.writeBigUInt64LE(BigInt(offset), 64);
    z.writeUInt32LE(1, 72);
    push(z);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(Math.min(n, U16), 8);
  eocd.writeUInt16LE(Math.min(n, U16), 10);
  eocd.writeUInt32LE(Math.min(cdSize, U32), 12);
  eocd.writeUInt32LE(Math.min(cdOffset, U32), 16);
  push(eocd);
  return out;
}
