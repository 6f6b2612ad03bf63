// Command-line numbers read as Python's argparse reads type=int and type=float: decimal text only.
// Number() alone takes '' as 0 and '0x10', '0b11', '0o7' and '1e3' as integers, silently.
const DECIMAL_INT = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The integer a flag's text spells in decimal (surrounding blanks allowed, as int(' 5')), else NaN. */
export function parseCliInt(text: string): number {
  const t = text.trim();
  return DECIMAL_INT.test(t) ? Number(t) : NaN;
}

/** The number a flag's text spells in decimal, with an optional exponent (as float('1e-3')), else NaN. */
export function parseCliNumber(text: string): number {
  const t = text.trim();
  return DECIMAL.test(t) ? Number(t) : NaN;
}
