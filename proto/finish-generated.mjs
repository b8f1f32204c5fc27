// The last step of `npm run proto`: makes buf's output look like the rest of the repository, so that
// `npm run lint` passes on it and regenerating is byte-for-byte stable. protoc-gen-es opens every file
// with `/* eslint-disable */`; the generated code breaks none of our rules, and ESLint reports an unused
// directive as a warning, so the line goes. Then prettier formats with the repository's settings.
// Usage: node proto/finish-generated.mjs [dir] (default packages/services/marketdata/src/gen).
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import * as prettier from 'prettier';

export const GENERATED_DIR = 'packages/services/marketdata/src/gen';

/** Finishes every .ts file under `dir` in place. */
export async function finishGenerated(dir) {
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    const source = (await readFile(file, 'utf8')).replace(/^\/\* eslint-disable \*\/\n/m, '');
    // Resolved for the committed location, so a copy generated elsewhere formats the same.
    const config = await prettier.resolveConfig(resolve(GENERATED_DIR, entry.name));
    await writeFile(file, await prettier.format(source, { ...config, filepath: file }));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await finishGenerated(process.argv[2] ?? GENERATED_DIR);
}
