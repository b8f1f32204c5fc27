import { parseBotConfig } from '@qubit/sdk';
import { describe, expect, it } from 'vitest';
import shipped from '../models/logistic-v1.json' with { type: 'json' };
import { mlSignal } from './ml-signal.js';
import {
  LOGISTIC_V1,
  ModelWeightsError,
  logisticWeightsFromJson,
  parseLogisticWeights,
} from './model-weights.js';

const good = (): Record<string, unknown> => JSON.parse(JSON.stringify(shipped)) as Record<string, unknown>;

function issuesOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelWeightsError);
    return (e as ModelWeightsError).issues.map((i) => i.path);
  }
  throw new Error('expected a ModelWeightsError');
}

describe('shipped weights file', () => {
  it('is loaded at import time, with one weight per feature and documented reasons', () => {
    expect(LOGISTIC_V1.name).toBe('logistic-v1');
    expect(LOGISTIC_V1.features).toEqual(['rsi', 'macd_hist', 'volatility', 'ema_slope', 'return_n']);
    expect(LOGISTIC_V1.weights).toEqual([-0.8, 0.9, -0.3, 0.6, 0.4]);
    expect(LOGISTIC_V1.thresholds).toEqual({ buy: 0.75, sell: 0.25 });
    for (const f of LOGISTIC_V1.features) expect(LOGISTIC_V1.notes?.[f]).toBeTruthy();
  });
});

describe('malformed weights', () => {
  it('refuses a weights list that does not match the features, naming weights', () => {
    const w = good();
    w.weights = [1, 2, 3];
    expect(() => parseLogisticWeights(w, 'models/bad.json')).toThrow(
      /invalid model weights in models\/bad\.json: weights: must have exactly one weight per feature/,
    );
  });

  it('names each bad field: a non-number weight, an unknown feature, a threshold out of range, an unknown key', () => {
    const w = good();
    w.weights = [-0.8, 0.9, 'heavy', 0.6, 0.4];
    w.features = ['rsi', 'sentiment', 'volatility', 'ema_slope', 'return_n'];
    w.thresholds = { buy: 0.45, sell: 0.4 };
    w.momentum = 1;
    expect(issuesOf(() => parseLogisticWeights(w, 'x.json')).sort()).toEqual([
      'features.1',
      'momentum',
      'thresholds.buy',
      'weights.2',
    ]);
  });

  it('refuses a missing bias and a repeated feature', () => {
    const w = good();
    delete w.bias;
    expect(issuesOf(() => parseLogisticWeights(w, 'x.json'))).toEqual(['bias']);
    const twice = good();
    twice.features = ['rsi', 'rsi', 'volatility', 'ema_slope', 'return_n'];
    expect(issuesOf(() => parseLogisticWeights(twice, 'x.json'))).toEqual(['features']);
  });

  it('refuses a file that is not JSON, naming the file', () => {
    expect(() => logisticWeightsFromJson('{"name": "v2", weights: [1]}', 'models/v2.json')).toThrow(
      /invalid model weights in models\/v2\.json: \(root\): not JSON/,
    );
    expect(logisticWeightsFromJson(JSON.stringify(good()), 'models/copy.json')).toEqual(LOGISTIC_V1);
  });

  it('checks weights given in the bot config the same way, under config.model_weights', () => {
    const w = good();
    w.thresholds = { buy: 0.7, sell: 0.55 };
    expect(() => parseBotConfig(mlSignal, { model_weights: w })).toThrow(
      /config\.model_weights\.thresholds\.sell/,
    );
    const ok = good();
    ok.weights = [0, 1, 0, 0, 0];
    expect(parseBotConfig(mlSignal, { model_weights: ok }).model_weights?.weights).toEqual([0, 1, 0, 0, 0]);
  });
});
