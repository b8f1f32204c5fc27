// Small helpers shared by the benchmarks: flags, PostgreSQL schemas of their own, medians, GC between runs.

/** `--name=N` as a positive integer, or the fallback. */
export function intFlag(args: readonly string[], name: string, fallback: number): number {
  const arg = args.find((a) => a.startsWith(`${name}=`));
  if (!arg) return fallback;
  const text = arg.slice(name.length + 1);
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < 1)
    throw new Error(`${name}: expected a positive integer, got "${text}"`);
  return v;
}

/** The search_path as a startup option, so every connection of the bench lands in its own schema. */
export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Frees the previous run's garbage before a timed run (node --expose-gc, as `npm run bench` does). */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
