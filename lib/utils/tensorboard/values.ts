// Numbers out of what the SummaryWriter methods accept: a Tensor (any device, any real dtype) or plain numbers.
import { Tensor } from '../../tensor';

export type Values = Tensor | ArrayLike<number>;

/** The values (row-major) and shape; a Tensor is copied to the host. */
export function hostValues(v: Values, name: string): { data: Float64Array; shape: number[]; integer: boolean; uint8: boolean } {
  if (v instanceof Tensor) {
    if (v.dtype === 'bool') return { data: Float64Array.from(v.data() as Uint8Array), shape: v.shape, integer: true, uint8: false };
    const cpu = v.device === 'cpu' ? v : v.to('cpu');
    try {
      const d = cpu.data();
      // By dtype, not instanceof: the addon's arrays may come from another realm (jest's sandbox).
      const data = v.dtype === 'int64' ? Float64Array.from(Array.from(d as BigInt64Array, Number)) : Float64Array.from(d as ArrayLike<number>);
      return { data, shape: v.shape, integer: !/^(float|bfloat)/.test(v.dtype), uint8: v.dtype === 'uint8' };
    } finally {
      if (cpu !== v) cpu.dispose();
    }
  }
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<number>).length !== 'number')
    throw new TypeError(`${name} must be a Tensor or an array of numbers, got ${v === null ? 'null' : typeof v}`);
  const data = Float64Array.from(v as ArrayLike<number>);
  for (let i = 0; i < data.length; i++) if (Number.isNaN(data[i]) && typeof (v as ArrayLike<unknown>)[i] !== 'number') throw new TypeError(`${name}[${i}] is not a number`);
  return { data, shape: [data.length], integer: false, uint8: v instanceof Uint8Array };
}
