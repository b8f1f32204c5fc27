import { UsageError } from '../commands/bot-scaffold.js';

/** Reads `--set key=value` pairs: numbers, booleans and JSON become values, anything else stays a string; dots nest. */
export function parseOverrides(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set: "${pair}" is not key=value`);
    const key = pair.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(key))
      throw new UsageError(`--set: "${key}" is not a config key`);
    setPath(out, key.split('.'), parseValue(pair.slice(eq + 1).trim()));
  }
  return out;
}

export function parseValue(text: string): unknown {
  if (
    /^-?\d+(\.\d+)?$/.test(text) &&
    Number.isSafeInteger(Math.trunc(Number(text))) &&
    !/^-?0\d/.test(text)
  ) {
    // Plain integers become numbers; decimals stay strings unless the schema wants a number (quantities are strings).
    return text.includes('.') ? text : Number(text);
  }
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^[[{"]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new UsageError(`--set: ${text} is not valid JSON`);
    }
  }
  return text;
}

export function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let o = target;
  for (const k of path.slice(0, -1)) {
    const next = o[k];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[path[path.length - 1]!] = value;
}

/** `fast=5..20:5` → [5, 10, 15, 20]; `mode=long,long_short` → ['long', 'long_short']. */
export function parseSweep(spec: string): { key: string; values: unknown[] } {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new UsageError(`--sweep: "${spec}" is not key=from..to:step or key=a,b,c`);
  const key = spec.slice(0, eq).trim();
  const body = spec.slice(eq + 1).trim();
  const range = /^(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?)(?::(\d+(?:\.\d+)?))?$/.exec(body);
  if (range) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    const step = Number(range[3] ?? 1);
    if (!(step > 0)) throw new UsageError(`--sweep ${key}: the step must be positive`);
    if (to < from) throw new UsageError(`--sweep ${key}: ${from}..${to} is empty`);
    const values: number[] = [];
    // Count steps in integers so 0.1 steps do not drift.
    const n = Math.floor((to - from) / step + 1e-9);
    if (n > 10_000) throw new UsageError(`--sweep ${key}: ${n + 1} values is too many`);
    for (let i = 0; i <= n; i++) values.push(Number((from + i * step).toPrecision(12)));
    return { key, values };
  }
  const values = body.split(',').map((v) => parseValue(v.trim()));
  if (values.length === 0 || body === '') throw new UsageError(`--sweep ${key}: no values`);
  return { key, values };
}

/** Every combination of the swept values, in a stable order. */
export function sweepGrid(sweeps: readonly { key: string; values: unknown[] }[]): Record<string, unknown>[] {
  let grid: Record<string, unknown>[] = [{}];
  for (const s of sweeps) grid = grid.flatMap((g) => s.values.map((v) => ({ ...g, [s.key]: v })));
  return grid;
}
