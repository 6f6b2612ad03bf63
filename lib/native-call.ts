// Re-exports for modules that call native functions without tensors.
export { native, torchInfoFile } from './native';
import { callNative } from './native';
export function opRawNative(name: string, ...args: unknown[]): unknown {
  return callNative(name, args);
}
