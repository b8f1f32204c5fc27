import type { CancelAllOrders } from './cancel-all-orders.js';
import type { CancelOrder } from './cancel-order.js';
import type { ModifyOrder } from './modify-order.js';
import type { SubmitOrder } from './submit-order.js';

export type TradingCommand = SubmitOrder | ModifyOrder | CancelOrder | CancelAllOrders;
