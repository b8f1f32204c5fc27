import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { emaShort } from '@qubit/bot-ema-short';
import { grid } from '@qubit/bot-grid';
import { meanReversion } from '@qubit/bot-mean-reversion';
import { mlSignal } from '@qubit/bot-ml-signal';
import { momentum } from '@qubit/bot-momentum';
import { overnightRange } from '@qubit/bot-overnight-range';
import { smaCross } from '@qubit/bot-sma-cross';
import { trendFollowing } from '@qubit/bot-trend-following';
import type { BotDefinition } from '@qubit/sdk';
import { UsageError } from './bot-scaffold.js';

/** The bundled strategies by name. */
export const BUNDLED_BOTS: Readonly<Record<string, BotDefinition>> = Object.fromEntries(
  [smaCross, grid, emaShort, momentum, meanReversion, trendFollowing, overnightRange, mlSignal].map((b) => [
    b.name,
    b as BotDefinition,
  ]),
);

function isDefinition(v: unknown): v is BotDefinition {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as BotDefinition).create === 'function' &&
    typeof (v as BotDefinition).subscriptions === 'function' &&
    typeof (v as BotDefinition).name === 'string'
  );
}

/** A bundled bot by name, or the bot definition exported by a module at a path. */
export async function resolveBot(nameOrPath: string, cwd: string): Promise<BotDefinition> {
  const bundled = BUNDLED_BOTS[nameOrPath];
  if (bundled) return bundled;
  const path = resolve(cwd, nameOrPath);
  if (!existsSync(path)) {
    throw new UsageError(
      `--bot: "${nameOrPath}" is neither a bundled bot (${Object.keys(BUNDLED_BOTS).join(', ')}) nor a file`,
    );
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`--bot: cannot load ${nameOrPath}: ${(err as Error).message.split('\n')[0]}`);
  }
  const found = [mod.default, ...Object.values(mod)].filter(isDefinition);
  if (found.length === 0)
    throw new UsageError(`--bot: ${nameOrPath} exports no bot definition (made with defineBot)`);
  return found[0]!;
}
