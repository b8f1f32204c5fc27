import { access } from 'node:fs/promises';

/** True when something is at `path` (file or directory). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
