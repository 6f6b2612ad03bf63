// A pickle reader that executes nothing: the opcodes PyTorch's weights_only unpickler accepts, an
// allowlist of globals (torch-globals.ts), a loop instead of recursion (any nesting depth loads),
// and a JS Error for every malformed or unexpected byte. Cycles load as cyclic JS objects, as in Python.

export class PickleError extends Error {}

/** A global named by the pickle; only allowlisted names ever become one. */
export class Global {
  constructor(readonly module: string, readonly name: string) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** What the format-specific layer supplies: the allowlist and the persistent-id (storage) loader. */
export interface UnpicklerHooks {
  /** Returns the value a GLOBAL stands for, or throws if it is not allowed. */
  findGlobal(module: string, name: string): unknown;
  /** Calls an allowed callable (REDUCE, NEWOBJ) with its arguments. */
  call(fn: Global, args: unknown[]): unknown;
  /** Applies BUILD's state to an object made by call(). */
  build(obj: unknown, state: unknown): void;
  persistentLoad(pid: unknown): unknown;
}

const MAX_LONG_BYTES = 256;
const MAX_LINE = 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

type Dict = Record<string, unknown>;

// Which JS values stand for Python tuples and dicts (both are plain JS arrays/objects to the caller).
// A dict keeps, per Python key (canonical: 1, 1.0 and True are one key), the property that holds it.
const tuples = new WeakSet<object>();
interface DictKeys {
  byKey: Map<string, string>;
  byProp: Map<string, string>;
}
const dicts = new WeakMap<object, DictKeys>();
const ordered = new WeakSet<object>();

export function newDict(): Dict {
  const d: Dict = {};
  dicts.set(d, { byKey: new Map(), byProp: new Map() });
  return d;
}
/** An OrderedDict (collections.OrderedDict): the only dict BUILD may give state to, as in PyTorch. */
export function newOrderedDict(): Dict {
  const d = newDict();
  ordered.add(d);
  return d;
}
export function isOrderedDict(v: unknown): boolean {
  return typeof v === 'object' && v !== null && ordered.has(v);
}
export function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && dicts.has(v);
}
export function isTuple(v: unknown): v is unknown[] {
  return Array.isArray(v) && tuples.has(v);
}
function tuple(items: unknown[]): unknown[] {
  tuples.add(items);
  return items;
}
function isList(v: unknown): v is unknown[] {
  return Array.isArray(v) && !tuples.has(v);
}

// A key's property name as JS would name it (obj[1] is obj['1'], obj[true] is obj['true']), and its
// Python identity: True == 1 == 1.0 and False == 0 == -0.0 are one dict key in Python.
function keyOf(k: unknown): [string, string] {
  if (typeof k === 'string') return [k, `s:${k}`];
  if (typeof k === 'boolean') return [String(k), `n:${Number(k)}`];
  if (typeof k === 'bigint') return [String(k), `n:${k}`];
  if (typeof k === 'number') return [String(k), `n:${Number.isInteger(k) ? BigInt(k) : k}`];
  throw new PickleError(`dict key of type ${pyType(k)} is not supported (str, int, float and bool keys load)`);
}

/**
 * d[k] = v with Python's key semantics: a key equal to an earlier one (1 after True) replaces its
 * value and keeps the first key, as Python does; different keys that JS would name alike ('1' and 1)
 * are an error.
 */
export function setItem(d: unknown, k: unknown, v: unknown): void {
  if (!isDict(d)) throw new PickleError(`SETITEM on a ${pyType(d)}, not a dict`);
  const [name, pyKey] = keyOf(k);
  const keys = dicts.get(d)!;
  const prop = keys.byKey.get(pyKey) ?? name;
  const owner = keys.byProp.get(prop);
  if (owner !== undefined && owner !== pyKey) throw new PickleError(`dict has keys named ${prop} of two types (${owner.startsWith('s:') ? 'str' : 'number'}, ${pyType(k)}) that are different keys in Python; they would collide`);
  keys.byKey.set(pyKey, prop);
  keys.byProp.set(prop, pyKey);
  // defineProperty, so a key named __proto__ is data, never the prototype.
  Object.defineProperty(d, prop, { value: v, writable: true, enumerable: true, configurable: true });
}

export function pyType(v: unknown): string {
  if (v === null) return 'None';
  if (v instanceof Global) return `global ${v.qualified}`;
  if (isTuple(v)) return 'tuple';
  if (Array.isArray(v)) return 'list';
  if (isDict(v)) return 'dict';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof Uint8Array) return 'bytes';
  return (v as object)?.constructor?.name ?? typeof v;
}

function longFromBytes(b: Buffer): number | bigint {
  if (b.length === 0) return 0;
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/**
 * Reads one pickle from `data` (from `cursor.pos`, which is left after its STOP, for files holding
 * several pickles); throws PickleError for anything malformed or not allowed.
 */
export function unpickle(data: Buffer, hooks: UnpicklerHooks, cursor: { pos: number } = { pos: 0 }): unknown {
  let pos = cursor.pos;
  let stack: unknown[] = [];
  const metastack: unknown[][] = [];
  const memo = new Map<number, unknown>();

  const need = (n: number): void => {
    if (pos + n > data.length) throw new PickleError(`pickle truncated at byte ${pos}`);
  };
  const bytes = (n: number): Buffer => {
    need(n);
    const b = data.subarray(pos, pos + n);
    pos += n;
    return b;
  };
  const u8 = (): number => bytes(1)[0];
  const u16 = (): number => bytes(2).readUInt16LE(0);
  const u32 = (): number => bytes(4).readUInt32LE(0);
  const u64 = (): number => {
    const v = bytes(8).readBigUInt64LE(0);
    if (v > BigInt(data.length)) throw new PickleError(`length ${v} exceeds the pickle`);
    return Number(v);
  };
  const line = (): string => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0 || end - pos > MAX_LINE) throw new PickleError(`unterminated text at byte ${pos}`);
    const s = data.toString('latin1', pos, end);
    pos = end + 1;
    return s;
  };
  const text = (n: number): string => {
    try {
      return utf8.decode(bytes(n));
    } catch (e) {
      if (e instanceof PickleError) throw e;
      throw new PickleError(`invalid UTF-8 in a string at byte ${pos - n}`);
    }
  };
  const pop = (): unknown => {
    if (stack.length === 0) throw new PickleError(`stack underflow at byte ${pos - 1}`);
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) throw new PickleError(`stack underflow at byte ${pos - 1}`);
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const items = stack;
    const prev = metastack.pop();
    if (prev === undefined) throw new PickleError(`no MARK before byte ${pos - 1}`);
    stack = prev;
    return items;
  };
  const get = (i: number): unknown => {
    if (!memo.has(i)) throw new PickleError(`memo entry ${i} is not defined`);
    return memo.get(i);
  };
  const put = (i: number): void => void memo.set(i, top());
  const append = (list: unknown, items: unknown[]): void => {
    if (!isList(list)) throw new PickleError(`APPEND to a ${pyType(list)}, not a list`);
    for (const x of items) list.push(x);
  };
  const setItems = (d: unknown, items: unknown[]): void => {
    if (items.length % 2) throw new PickleError('SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) setItem(d, items[i], items[i + 1]);
  };
  const globalRef = (module: string, name: string): void => {
    stack.push(hooks.findGlobal(module, name));
  };
  const callable = (f: unknown, what: string): Global => {
    if (!(f instanceof Global)) throw new PickleError(`${what} of a ${pyType(f)}, which is not callable`);
    return f;
  };
  const args = (a: unknown, what: string): unknown[] => {
    if (!isTuple(a)) throw new PickleError(`${what} arguments must be a tuple, got ${pyType(a)}`);
    return a;
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) throw new PickleError('pickle protocol above 5');
        break;
      case 0x95: { // FRAME: a length hint, which must fit in what is left (Python checks it too)
        const n = bytes(8).readBigUInt64LE(0);
        if (n > BigInt(data.length - pos)) throw new PickleError(`FRAME of ${n} bytes at byte ${pos - 9} runs past the end of the pickle`);
        break;
      }
      case 0x2e: // STOP
        if (metastack.length) throw new PickleError('STOP inside an unclosed MARK');
        if (stack.length !== 1) throw new PickleError(`STOP with ${stack.length} values on the stack`);
        cursor.pos = pos;
        return stack[0];
      case 0x28: // MARK
        metastack.push(stack);
        stack = [];
        break;
      case 0x30: // POP
        if (stack.length) stack.pop();
        else popMark();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(bytes(4).readInt32LE(0));
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(longFromBytes(bytes(u8())));
        break;
      case 0x8b: { // LONG4
        const n = bytes(4).readInt32LE(0);
        if (n < 0 || n > MAX_LONG_BYTES) throw new PickleError(`LONG4 of ${n} bytes`);
        stack.push(longFromBytes(bytes(n)));
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        stack.push(bytes(8).readDoubleBE(0));
        break;
      case 0x58: // BINUNICODE
        stack.push(text(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(u8()));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text(u64()));
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: { // LIST (popMark replaces `stack`, so it runs before the push is looked up)
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x61: { // APPEND
        const v = pop();
        append(top(), [v]);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x29: // EMPTY_TUPLE
        stack.push(tuple([]));
        break;
      case 0x74: { // TUPLE
        const items = popMark();
        stack.push(tuple(items));
        break;
      }
      case 0x85: // TUPLE1
        stack.push(tuple([pop()]));
        break;
      case 0x86: { // TUPLE2
        const b = pop();
        const a = pop();
        stack.push(tuple([a, b]));
        break;
      }
      case 0x87: { // TUPLE3
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push(tuple([a, b, c]));
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(newDict());
        break;
      case 0x64: { // DICT
        const items = popMark();
        const d = newDict();
        setItems(d, items);
        stack.push(d);
        break;
      }
      case 0x73: { // SETITEM
        const v = pop();
        const k = pop();
        setItem(top(), k, v);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x68: // BINGET
        stack.push(get(u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(get(u32()));
        break;
      case 0x71: // BINPUT
        put(u8());
        break;
      case 0x72: // LONG_BINPUT
        put(u32());
        break;
      case 0x94: // MEMOIZE
        put(memo.size);
        break;
      case 0x63: { // GLOBAL
        const module = line();
        globalRef(module, line());
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') throw new PickleError('STACK_GLOBAL needs two strings');
        globalRef(module, name);
        break;
      }
      case 0x52: { // REDUCE
        const a = pop();
        const f = pop();
        stack.push(hooks.call(callable(f, 'REDUCE'), args(a, 'REDUCE')));
        break;
      }
      case 0x81: { // NEWOBJ
        const a = pop();
        const cls = pop();
        stack.push(hooks.call(callable(cls, 'NEWOBJ'), args(a, 'NEWOBJ')));
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        hooks.build(top(), state);
        break;
      }
      case 0x51: // BINPERSID
        stack.push(hooks.persistentLoad(pop()));
        break;
      default:
        throw new PickleError(`opcode 0x${op.toString(16).padStart(2, '0')} at byte ${pos - 1} is not allowed`);
    }
  }
}
