/** What kind of contract an instrument is. */
export const InstrumentKind = {
  SPOT: 'SPOT',
  PERPETUAL: 'PERPETUAL',
  FUTURE: 'FUTURE',
} as const;
export type InstrumentKind = (typeof InstrumentKind)[keyof typeof InstrumentKind];
export const InstrumentKindValues = Object.values(InstrumentKind) as readonly InstrumentKind[];
