// PyTorch's add_module rules for a child's name: a non-empty string without '.', since dotted names
// are the paths of the state dict.
import { describe } from '../check';

export function checkModuleName(name: unknown, where: string): string {
  if (typeof name !== 'string') throw new TypeError(`${where}: a module name must be a string, got ${describe(name)}`);
  if (name === '') throw new TypeError(`${where}: a module name can't be empty`);
  if (name.includes('.')) throw new TypeError(`${where}: a module name can't contain '.', got '${name}'`);
  return name;
}
