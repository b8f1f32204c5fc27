import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const NAME_RE = /^[a-z][a-z0-9-]{1,40}$/;

/** Thrown for a user mistake; the CLI prints the message on one line and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Writes a new bot: a package with a config schema, the bot, a test that runs it over bars with the
 * harness, and a README. Inside the Qubit repository it goes to bots/<name> (a workspace, so `npm test`
 * picks it up); elsewhere to ./<name>.
 */
export function scaffoldBot(name: string, cwd: string, dir?: string): string {
  if (!NAME_RE.test(name)) {
    throw new UsageError(
      `bot name "${name}" must be 2-41 characters of a-z, 0-9 and -, starting with a letter`,
    );
  }
  const root = dir
    ? resolve(cwd, dir)
    : existsSync(join(cwd, 'bots'))
      ? join(cwd, 'bots', name)
      : join(cwd, name);
  if (existsSync(root)) throw new UsageError(`${root} already exists; choose another name or remove it`);
  const cls = name
    .split('-')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
  const files: Record<string, string> = {
    'package.json': `${JSON.stringify(
      {
        name: `@qubit/bot-${name}`,
        version: '0.1.0',
        private: true,
        type: 'module',
        exports: { '.': './src/index.ts' },
        dependencies: { '@qubit/sdk': '0.1.0' },
      },
      null,
      2,
    )}\n`,
    'README.md': `# ${name}\n\nSay here exactly what this bot does: what it watches, when it enters, when it exits, how it sizes.\n\n\`\`\`sh\nnpx qubit bot test ${root}\n\`\`\`\n`,
    'src/index.ts': `export * from './${name}.js';\n`,
    [`src/${name}.ts`]: `import { OrderSide, Sma, defineBot, z, type Bot, type BotContext, type MarketSnapshot, type OrderIntent } from '@qubit/sdk';

export const ${cls}Config = z.object({
  instrument: z.string().default('BTCUSDT.BINANCE'),
  timeframe: z.string().default('1-MINUTE'),
  period: z.number().int().min(2).default(20),
  quantity: z.string().default('0.01'),
});
export type ${cls}Config = z.output<typeof ${cls}Config>;

/** Buys when the close rises above its ${'${period}'}-bar average while flat; sells when it falls back below. */
export class ${cls}Bot implements Bot<${cls}Config> {
  private readonly sma: Sma;

  constructor(private readonly config: ${cls}Config) {
    this.sma = new Sma(config.period);
  }

  onTick(market: MarketSnapshot, ctx: BotContext<${cls}Config>): OrderIntent[] {
    if (!market.bar) return [];
    this.sma.update(market.bar.close);
    const avg = this.sma.value(8);
    if (!avg) return [];
    const pos = ctx.position(this.config.instrument).signedQty;
    const instrumentId = this.config.instrument;
    if (pos.isZero() && market.bar.close.gt(avg)) {
      return [{ instrumentId, side: OrderSide.BUY, quantity: this.config.quantity, reason: 'entry' }];
    }
    if (pos.isPositive() && market.bar.close.lt(avg)) {
      return [{ instrumentId, side: OrderSide.SELL, quantity: pos, reason: 'exit', reduceOnly: true }];
    }
    return [];
  }
}

export const ${cls.charAt(0).toLowerCase() + cls.slice(1)} = defineBot({
  name: '${name}',
  version: '0.1.0',
  description: 'Close above its moving average: long; back below: flat.',
  configSchema: ${cls}Config,
  subscriptions: (c) => ({ instruments: [c.instrument], barTypes: [\`\${c.instrument}-\${c.timeframe}-LAST\`] }),
  create: (c) => new ${cls}Bot(c),
});
`,
    [`src/${name}.test.ts`]: `import { OrderSide } from '@qubit/sdk';
import { runBot } from '@qubit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { ${cls.charAt(0).toLowerCase() + cls.slice(1)} } from './${name}.js';

const bars = [100, 100, 100, 104, 106, 103, 98, 97].map((close, i, all) => {
  const open = i === 0 ? close : all[i - 1]!;
  return { time: Date.UTC(2024, 0, 1) + i * 60_000, open, high: Math.max(open, close), low: Math.min(open, close), close, volume: 1 };
});

describe('${name}', () => {
  it('buys when the close rises above its average and sells when it falls back below', () => {
    const r = runBot(${cls.charAt(0).toLowerCase() + cls.slice(1)}, { bars, config: { period: 3, quantity: '1' } });
    expect(r.intents.map((i) => i.side)).toEqual([OrderSide.BUY, OrderSide.SELL]);
    expect(r.fills).toHaveLength(2);
    expect(r.position.signedQty.isZero()).toBe(true);
  });
});
`,
  };
  for (const [rel, text] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text, { flag: 'wx' });
  }
  return root;
}
