import { stringify } from 'yaml';
import { SECRET_KEYS, type QubitConfig } from './config-schema.js';

const MASK = '********';

/** The effective configuration as YAML, secrets masked (and a database URL's password), with its sources. */
export function printConfig(config: QubitConfig, sources: Readonly<Record<string, string>>): string {
  const shown: Record<string, unknown> = { ...config };
  for (const k of SECRET_KEYS) if (shown[k] !== undefined) shown[k] = MASK;
  if (config.database_url) shown.database_url = maskUrl(config.database_url);
  const body = stringify(shown, { lineWidth: 0 }).trimEnd();
  const from = Object.entries(sources)
    .filter(([, s]) => s !== 'default')
    .map(([k, s]) => `#   ${k}: ${s}`);
  return [
    '# effective Qubit configuration (secrets masked)',
    ...(from.length > 0 ? ['# set by:', ...from] : ['# every value is a default']),
    body,
  ].join('\n');
}

function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = MASK;
    return u.toString();
  } catch {
    return MASK;
  }
}
