// The one dtype table. TypeScript derives DType, DTYPES and the float set from it; scripts/gen-ops.js
// writes native/binding/dtypes.gen.h from it, which native/binding/tensor.cc reads, so both sides name the same dtypes.
export const DTYPE_TABLE = {
  float32: { aten: 'kFloat', float: true },
  float64: { aten: 'kDouble', float: true },
  float16: { aten: 'kHalf', float: true },
  bfloat16: { aten: 'kBFloat16', float: true },
  int64: { aten: 'kLong', float: false },
  int32: { aten: 'kInt', float: false },
  int16: { aten: 'kShort', float: false },
  int8: { aten: 'kChar', float: false },
  uint8: { aten: 'kByte', float: false },
  bool: { aten: 'kBool', float: false },
} as const;

export type DType = keyof typeof DTYPE_TABLE;
export type FloatDType = { [K in DType]: (typeof DTYPE_TABLE)[K]['float'] extends true ? K : never }[DType];
export const DTYPES = Object.keys(DTYPE_TABLE) as readonly DType[];
export const FLOAT_DTYPES: ReadonlySet<DType> = new Set(DTYPES.filter((d) => DTYPE_TABLE[d].float));
