// The package's version, read from its package.json (two folders up from dist/cli or lib/cli).
import * as fs from 'node:fs';
import * as path from 'node:path';

export function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
