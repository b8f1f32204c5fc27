/**
 * The fields that make two mismatches the same disagreement. `detail` is left out: it is prose for an
 * operator and may be worded differently by another version while the figures are identical.
 */
const IDENTITY = ['kind', 'instrument_id', 'currency', 'client_order_id', 'ours', 'theirs'] as const;

/**
 * Whether two recorded reconciliation summaries (`reconciliationReportToJson`) report the same
 * mismatches, in any order: what an operator accepted then is exactly what the venue and we disagree on
 * now. A summary without a `mismatches` array (another format, a failure) is never the same as anything,
 * so an acceptance is carried only when it is certain to apply.
 */
export function sameMismatches(a: unknown, b: unknown): boolean {
  const left = mismatchKeys(a);
  const right = mismatchKeys(b);
  if (left === undefined || right === undefined || left.length !== right.length) return false;
  return left.every((k, i) => k === right[i]);
}

/** One canonical key per mismatch, sorted, so that equal multisets give equal lists. */
function mismatchKeys(summary: unknown): string[] | undefined {
  if (typeof summary !== 'object' || summary === null) return undefined;
  const mismatches = (summary as { mismatches?: unknown }).mismatches;
  if (!Array.isArray(mismatches)) return undefined;
  const keys: string[] = [];
  for (const m of mismatches) {
    if (typeof m !== 'object' || m === null) return undefined;
    const fields = m as Record<string, unknown>;
    keys.push(JSON.stringify(IDENTITY.map((f) => fields[f] ?? null)));
  }
  return keys.sort();
}
