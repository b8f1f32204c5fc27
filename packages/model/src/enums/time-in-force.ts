/** How long an order stays working: until canceled, immediate-or-cancel, fill-or-kill, until a time, or for the session. */
export const TimeInForce = {
  GTC: 'GTC',
  IOC: 'IOC',
  FOK: 'FOK',
  GTD: 'GTD',
  DAY: 'DAY',
} as const;
export type TimeInForce = (typeof TimeInForce)[keyof typeof TimeInForce];
export const TimeInForceValues = Object.values(TimeInForce) as readonly TimeInForce[];
