// Tensor handles on the JS side. A handle is a number that names a slot of the addon's handle table
// (native/tensor.h); a JS number in the handle range that is meant as a number travels boxed.
//
// The GC backstop of tensor handles: a Tensor nobody disposed has its handle released after the GC
// collects it (FinalizationRegistry). Registering costs about as much as a whole tiny op, and most
// tensors are disposed young (dispose(), `using`, their scope), so a new Tensor first waits in a young
// list; only those still alive when the list is swept are registered: at the next turn of the event
// loop, or every YOUNG_LIMIT new tensors in a synchronous loop. The list holds its tensors strongly,
// which delays the collection of a forgotten one by one sweep at most; in a synchronous loop nothing
// is reclaimed by the GC anyway, since finalizers run only when the loop yields.
import { nativeFunction } from './native';
import type { NativeTensor } from './native-api';

/** What the backstop needs of a Tensor. */
export interface HandleOwner {
  readonly isDisposed: boolean;
  readonly handle: NativeTensor;
}

const YOUNG_LIMIT = 1024;
const releaseTensor = nativeFunction('releaseTensor');
// A stale handle (released by dispose() before its owner was collected) is refused by the addon.
const registry = new FinalizationRegistry<NativeTensor>((h) => void releaseTensor(h));
// Taken when the module loads: a test's fake timers installed later must not leave a sweep pending forever.
const onNextTurn = setImmediate;
let young: HandleOwner[] = [];
let sweepPending = false;

function sweep(): void {
  const list = young;
  young = [];
  for (const t of list) if (!t.isDisposed) registry.register(t, t.handle, t);
}

function sweepOnNextTurn(): void {
  sweepPending = false;
  sweep();
}

/** Called by every new Tensor: it gets the backstop unless it is disposed before the next sweep. */
export function adoptHandle(owner: HandleOwner): void {
  if (young.push(owner) >= YOUNG_LIMIT) sweep();
  else if (!sweepPending) {
    sweepPending = true;
    onNextTurn(sweepOnNextTurn).unref();
  }
}

/** Frees a Tensor's handle now (dispose); the backstop forgets it. */
export function releaseHandle(owner: HandleOwner, h: NativeTensor): void {
  releaseTensor(h);
  registry.unregister(owner);
}

// The handle range, [2^52, 2^53) (native/tensor.cc).
const HANDLE_BASE = 2 ** 52;
const HANDLE_END = 2 ** 53;

/**
 * An argument for a native as the user gave it, with each number in the handle range boxed ([v]), so
 * that the addon reads it as that number and never as a tensor. Other values are returned as they are.
 */
export function boxHandleRange(v: number): number | [number] {
  return v >= HANDLE_BASE && v < HANDLE_END ? [v] : v;
}
