// The event a training run writes most: Event{wall_time, step, summary{value{tag, simple_value}}}.
// Read with protobufjs's low-level Reader in one pass, without building message objects: the run page
// reads millions of them (20 runs x 100,000 steps). Anything else is left to the full decoder.
import { protobufjs } from './proto';

export interface FastScalar {
  wallTime: number;
  step: number;
  tag: string;
  value: number;
}

const toNumber = (v: number | { toNumber(): number }): number => (typeof v === 'number' ? v : v.toNumber());

/** The scalar in an Event record, or undefined when the record is anything but one plain scalar. */
export function fastScalar(buf: Uint8Array): FastScalar | undefined {
  const r = protobufjs().Reader.create(buf);
  let wallTime = 0;
  let step = 0;
  let tag: string | undefined;
  let value: number | undefined;
  while (r.pos < r.len) {
    const key = r.uint32();
    switch (key) {
      case (1 << 3) | 1: // double wall_time = 1
        wallTime = r.double();
        break;
      case (2 << 3) | 0: // int64 step = 2
        step = toNumber(r.int64() as unknown as number | { toNumber(): number });
        break;
      case (5 << 3) | 2: {
        // Summary summary = 5, holding exactly one Value
        if (tag !== undefined) return undefined;
        const end = r.uint32() + r.pos;
        if (r.pos >= end || r.uint32() !== ((1 << 3) | 2)) return undefined;
        const vEnd = r.uint32() + r.pos;
        if (vEnd !== end) return undefined;
        while (r.pos < vEnd) {
          const k = r.uint32();
          if (k === ((1 << 3) | 2)) tag = r.string();
          else if (k === ((2 << 3) | 5)) value = r.float();
          else return undefined; // metadata, an image, a histogram...
        }
        break;
      }
      default:
        return undefined;
    }
  }
  return tag !== undefined && value !== undefined ? { wallTime, step, tag, value } : undefined;
}
