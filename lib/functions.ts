// The free functions derived from the op table: torch.sin(x), torch.atan2(y, x), ... A name that the
// table lacks (or whose op has no 'function' form) fails to compile here, and so does a 'function'
// form missing from this list (the check below).
import type { OpsWithForm } from './op-types';

// export const { sin, cos } = derivedFunctions; (import { derivedFunctions } from './tensor')
type Exported = never;
/** Compile-time check: every op with a 'function' form is exported above. */
export type MissingFunctionExports = Exclude<OpsWithForm<'function'>, Exported>;
const allExported: [MissingFunctionExports] extends [never] ? true : MissingFunctionExports = true;
void allExported;
