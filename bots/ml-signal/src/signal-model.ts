import type { LogisticWeights } from './model-weights.js';

export type Signal = 'BUY' | 'SELL' | 'HOLD';

export interface Prediction {
  readonly signal: Signal;
  /** How sure the model is, in [0, 1]. */
  readonly confidence: number;
}

/** Any model the bot can run: features in (by name), a signal and its confidence out. Synchronous and pure. */
export interface SignalModel {
  predict(features: Record<string, number>): Prediction;
}

export const sigmoid = (z: number): number =>
  z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));

/**
 * Logistic regression: P(up) = σ(bias + Σ wᵢ·xᵢ). BUY when P ≥ thresholds.buy, SELL when P ≤ thresholds.sell,
 * HOLD between; the confidence is |2P − 1| (0 for a coin flip, 1 for certainty) whatever the signal.
 */
export class LogisticModel implements SignalModel {
  constructor(readonly weights: LogisticWeights) {}

  probability(features: Record<string, number>): number {
    const w = this.weights;
    let z = w.bias;
    w.features.forEach((name, i) => {
      const x = features[name];
      if (x === undefined || !Number.isFinite(x)) {
        throw new Error(
          `${w.name}: feature "${name}" is ${x === undefined ? 'missing' : `not finite (${x})`}`,
        );
      }
      z += w.weights[i]! * x;
    });
    return sigmoid(z);
  }

  predict(features: Record<string, number>): Prediction & { readonly probability: number } {
    const p = this.probability(features);
    const t = this.weights.thresholds;
    const signal: Signal = p >= t.buy ? 'BUY' : p <= t.sell ? 'SELL' : 'HOLD';
    return { signal, confidence: Math.abs(2 * p - 1), probability: p };
  }
}
