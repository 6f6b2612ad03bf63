// Command-line numbers are decimal text, as argparse's type=int and type=float read them.
import { parseCliInt, parseCliNumber } from '../lib/cli/parse-number';

test.each([
  ['7', 7],
  [' 12 ', 12],
  ['-3', -3],
  ['+4', 4],
  ['007', 7],
])('parseCliInt(%p) is %p', (text, n) => expect(parseCliInt(text)).toBe(n));

test.each(['', ' ', '0x10', '0b11', '0o7', '1e3', '2.0', '1_000', 'Infinity', 'NaN', '3 4'])('parseCliInt(%p) is NaN', (text) => expect(parseCliInt(text)).toBeNaN());

test.each([
  ['0.5', 0.5],
  ['.5', 0.5],
  ['5.', 5],
  ['1e-3', 1e-3],
  ['-2E+2', -200],
  [' 3 ', 3],
])('parseCliNumber(%p) is %p', (text, n) => expect(parseCliNumber(text)).toBe(n));

test.each(['', '0x1', '0b1', 'Infinity', '-Infinity', 'NaN', '1e', 'e3', '.', '1.2.3', '1,5'])('parseCliNumber(%p) is NaN', (text) => expect(parseCliNumber(text)).toBeNaN());
