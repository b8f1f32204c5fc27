/** The unit a bar step is counted in. */
export const BarAggregation = {
  TICK: 'TICK',
  VOLUME: 'VOLUME',
  SECOND: 'SECOND',
  MINUTE: 'MINUTE',
  HOUR: 'HOUR',
  DAY: 'DAY',
} as const;
export type BarAggregation = (typeof BarAggregation)[keyof typeof BarAggregation];
export const BarAggregationValues = Object.values(BarAggregation) as readonly BarAggregation[];
