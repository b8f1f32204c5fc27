import { z } from '@qubit/sdk';
import logisticV1 from '../models/logistic-v1.json' with { type: 'json' };
import { FEATURE_NAMES } from './features.js';

/**
 * The shape of a logistic-regression weights file (models/*.json), and of `config.model_weights`: one weight
 * per named feature, a bias, and the probability thresholds that turn P(up) into BUY / SELL / HOLD.
 */
export const logisticWeightsSchema = z
  .object({
    name: z.string().min(1).describe('Model name, e.g. logistic-v1'),
    version: z.number().int().positive().describe('Model version'),
    description: z.string().optional().describe('What the model is and where its weights come from'),
    features: z
      .array(z.enum(FEATURE_NAMES))
      .min(1)
      .describe(`Feature names, in the order of weights (any of ${FEATURE_NAMES.join(', ')})`),
    weights: z.array(z.number()).describe('One finite weight per feature'),
    bias: z.number().describe('Intercept of the logistic regression'),
    thresholds: z
      .object({
        buy: z.number().gt(0.5).lt(1).describe('BUY when P(up) is at or above this'),
        sell: z.number().gt(0).lt(0.5).describe('SELL when P(up) is at or below this'),
      })
      .strict()
      .describe('Probability thresholds'),
    notes: z.record(z.string(), z.string()).optional().describe('Why each weight is what it is'),
  })
  .strict()
  .refine((w) => w.weights.length === w.features.length, {
    message: 'must have exactly one weight per feature',
    path: ['weights'],
  })
  .refine((w) => new Set(w.features).size === w.features.length, {
    message: 'a feature is listed twice',
    path: ['features'],
  });

export type LogisticWeights = z.output<typeof logisticWeightsSchema>;

/** A weights file that does not match the schema; the message names the file and every bad field. */
export class ModelWeightsError extends Error {
  constructor(
    readonly source: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(`invalid model weights in ${source}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'ModelWeightsError';
  }
}

/** Validates parsed JSON as logistic weights; throws ModelWeightsError naming each wrong field. */
export function parseLogisticWeights(raw: unknown, source: string): LogisticWeights {
  const r = logisticWeightsSchema.safeParse(raw);
  if (r.success) return r.data;
  throw new ModelWeightsError(
    source,
    r.error.issues.flatMap((i) =>
      i.code === 'unrecognized_keys'
        ? i.keys.map((k) => ({ path: [...i.path.map(String), k].join('.'), message: 'unknown key' }))
        : [{ path: i.path.map(String).join('.') || '(root)', message: i.message }],
    ),
  );
}

/** Reads a weights file's text (JSON); a syntax error is reported against the source as well. */
export function logisticWeightsFromJson(text: string, source: string): LogisticWeights {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ModelWeightsError(source, [{ path: '(root)', message: `not JSON: ${(e as Error).message}` }]);
  }
  return parseLogisticWeights(raw, source);
}

/** The shipped model, checked when the package is imported: a broken file fails at once, not at the first bar. */
export const LOGISTIC_V1: LogisticWeights = parseLogisticWeights(logisticV1, 'models/logistic-v1.json');
