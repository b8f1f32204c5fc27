/** What an order-book delta does to a level. */
export const BookAction = {
  ADD: 'ADD',
  UPDATE: 'UPDATE',
  DELETE: 'DELETE',
  CLEAR: 'CLEAR',
} as const;
export type BookAction = (typeof BookAction)[keyof typeof BookAction];
export const BookActionValues = Object.values(BookAction) as readonly BookAction[];
