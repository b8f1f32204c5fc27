import { type Identifier, identifierFactory } from './identifier.js';

/** The bundled or user strategy a bot runs, e.g. "sma-cross". */
export type StrategyId = Identifier<'StrategyId'>;
export const StrategyId = identifierFactory(
  'StrategyId',
  /^[a-z0-9][a-z0-9_-]*$/,
  64,
  '1-64 characters of a-z, 0-9, _ -',
);
