// What a container can chain: a Module whose forward maps one tensor to one tensor.
import type { Tensor } from '../tensor';
import { Module } from './module';

export type Layer = Module & { forward(x: Tensor): Tensor };

export function isLayer(v: unknown): v is Layer {
  return v instanceof Module && typeof (v as { forward?: unknown }).forward === 'function';
}
