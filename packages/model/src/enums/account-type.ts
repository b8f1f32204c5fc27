/** Cash accounts pay the full notional; margin accounts post margin. */
export const AccountType = {
  CASH: 'CASH',
  MARGIN: 'MARGIN',
} as const;
export type AccountType = (typeof AccountType)[keyof typeof AccountType];
export const AccountTypeValues = Object.values(AccountType) as readonly AccountType[];
