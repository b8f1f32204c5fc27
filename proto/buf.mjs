// Runs buf from its platform package (`node proto/buf.mjs generate`). The @bufbuild/buf wrapper lists a
// binary package per platform as optional dependencies; the registry this project installs from has only
// the Linux ones, and a lock file missing the others makes `npm ci` fail. So the root depends on the
// Linux packages directly (optional: skipped elsewhere) and this finds whichever is installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PLATFORMS = {
  'linux-x64': 'linux-x64',
  'linux-arm64': 'linux-aarch64',
  'darwin-x64': 'darwin-x64',
  'darwin-arm64': 'darwin-arm64',
  'win32-x64': 'win32-x64',
  'win32-arm64': 'win32-arm64',
};

/** The buf binary for this machine, or undefined with the reason. */
export function findBuf() {
  const pkg = PLATFORMS[`${process.platform}-${process.arch}`];
  if (!pkg) return { reason: `no buf build for ${process.platform}-${process.arch}` };
  const bin = join(
    ROOT,
    'node_modules',
    '@bufbuild',
    `buf-${pkg}`,
    'bin',
    process.platform === 'win32' ? 'buf.exe' : 'buf',
  );
  if (!existsSync(bin)) {
    return { reason: `buf is not installed for ${pkg}: npm install --no-save @bufbuild/buf-${pkg}@1.75.0` };
  }
  return { bin };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const found = findBuf();
  if (!found.bin) {
    process.stderr.write(`proto/buf.mjs: ${found.reason}\n`);
    process.exit(2);
  }
  // protoc-gen-es is a node_modules/.bin plugin that buf runs.
  const PATH = `${join(ROOT, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`;
  const r = spawnSync(found.bin, process.argv.slice(2), {
    stdio: 'inherit',
    cwd: process.cwd(),
    env: { ...process.env, PATH },
  });
  process.exit(r.status ?? 1);
}
