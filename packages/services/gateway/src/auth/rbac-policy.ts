import { Scope } from './scopes.js';

/**
 * Who may call something: anyone ('public'), any valid principal ('authenticated'), or a principal
 * holding the scope (or admin).
 */
export type Access = 'public' | 'authenticated' | Scope;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RoutePolicy {
  readonly method: HttpMethod;
  /** With `{name}` for a path parameter, as in the issue and OpenAPI. */
  readonly path: string;
  readonly access: Access;
}

export interface WsCommandPolicy {
  /** The message's `type`. */
  readonly type: string;
  readonly access: Access;
}

/**
 * Every REST route of issue 6 and the auth routes the gateway adds. The gateway registers no route
 * that is not here and the RBAC matrix test walks this table, so the two cannot drift apart.
 */
export const ROUTE_POLICIES: readonly RoutePolicy[] = Object.freeze([
  // Liveness, readiness, scraping and docs answer before anyone logs in.
  { method: 'GET', path: '/healthz', access: 'public' },
  { method: 'GET', path: '/readyz', access: 'public' },
  { method: 'GET', path: '/health', access: 'public' },
  { method: 'GET', path: '/status', access: 'public' },
  { method: 'GET', path: '/metrics', access: 'public' },
  { method: 'GET', path: '/docs', access: 'public' },
  { method: 'GET', path: '/docs/openapi.json', access: 'public' },
  // The WebSocket upgrade itself: the connection authenticates with its first message or ?token=.
  { method: 'GET', path: '/ws', access: 'public' },
  // The refresh token is the credential of /auth/refresh and /auth/logout.
  { method: 'POST', path: '/auth/login', access: 'public' },
  { method: 'POST', path: '/auth/refresh', access: 'public' },
  { method: 'POST', path: '/auth/logout', access: 'public' },
  { method: 'GET', path: '/auth/me', access: 'authenticated' },
  // Anyone may make API tokens for themselves: their scopes never exceed the maker's.
  { method: 'GET', path: '/auth/tokens', access: 'authenticated' },
  { method: 'POST', path: '/auth/tokens', access: 'authenticated' },
  { method: 'DELETE', path: '/auth/tokens/{id}', access: 'authenticated' },
  // Seed 000 §2.1: desired state of bots.
  { method: 'POST', path: '/bots', access: Scope.BOTS_WRITE },
  { method: 'GET', path: '/bots', access: Scope.BOTS_READ },
  { method: 'GET', path: '/bots/{id}', access: Scope.BOTS_READ },
  { method: 'POST', path: '/bots/{id}/rollout', access: Scope.BOTS_WRITE },
  { method: 'DELETE', path: '/bots/{id}', access: Scope.BOTS_WRITE },
  // Registering an instrument changes what every bot and risk check sees: admin only.
  { method: 'POST', path: '/instruments', access: Scope.ADMIN },
  { method: 'GET', path: '/instruments', access: Scope.BOTS_READ },
  // Seeds 001/003.
  { method: 'GET', path: '/api/positions', access: Scope.ORDERS_READ },
  { method: 'GET', path: '/api/orders', access: Scope.ORDERS_READ },
  { method: 'POST', path: '/api/orders/place', access: Scope.ORDERS_WRITE },
  { method: 'POST', path: '/api/orders/{id}/modify', access: Scope.ORDERS_WRITE },
  { method: 'POST', path: '/api/orders/{id}/cancel', access: Scope.ORDERS_WRITE },
  { method: 'GET', path: '/api/trades', access: Scope.ORDERS_READ },
  { method: 'GET', path: '/api/portfolio', access: Scope.ORDERS_READ },
  { method: 'GET', path: '/api/strategies', access: Scope.BOTS_READ },
  { method: 'GET', path: '/api/metrics', access: Scope.BOTS_READ },
  // Who did what is itself sensitive (usernames, addresses): admin only.
  { method: 'GET', path: '/api/audit', access: Scope.ADMIN },
  // The Data API of the market-data issue.
  { method: 'GET', path: '/api/data/snapshot', access: Scope.BOTS_READ },
  { method: 'GET', path: '/api/data/range', access: Scope.BOTS_READ },
  { method: 'GET', path: '/api/data/candles', access: Scope.BOTS_READ },
  { method: 'GET', path: '/api/backtests', access: Scope.BOTS_READ },
  { method: 'POST', path: '/api/backtests', access: Scope.BOTS_WRITE },
  { method: 'GET', path: '/api/backtests/{id}', access: Scope.BOTS_READ },
  // Risk: halting is operating (anyone who may start a bot may stop everything); lifting a halt or
  // changing a limit is a risk decision.
  { method: 'POST', path: '/api/risk/kill-switch', access: Scope.BOTS_OPERATE },
  { method: 'DELETE', path: '/api/risk/kill-switch', access: Scope.RISK_ADMIN },
  { method: 'GET', path: '/api/risk/limits', access: Scope.ORDERS_READ },
  { method: 'POST', path: '/api/risk/limits', access: Scope.RISK_ADMIN },
] satisfies RoutePolicy[]);

/**
 * Every WebSocket message type a client may send (seed 000 §2.1 commands, seed 004 streams). `auth` is
 * the first message of a connection without ?token=; nothing else is read before it succeeds.
 */
export const WS_COMMAND_POLICIES: readonly WsCommandPolicy[] = Object.freeze([
  { type: 'auth', access: 'public' },
  { type: 'ping', access: 'authenticated' },
  // Subscribing is checked again per stream with WS_STREAM_POLICIES.
  { type: 'subscribe', access: 'authenticated' },
  { type: 'unsubscribe', access: 'authenticated' },
  { type: 'bot.start', access: Scope.BOTS_OPERATE },
  { type: 'bot.stop', access: Scope.BOTS_OPERATE },
  { type: 'bot.reload', access: Scope.BOTS_OPERATE },
  // A rollout changes the desired version/config, as POST /bots/{id}/rollout does.
  { type: 'bot.rollout', access: Scope.BOTS_WRITE },
  { type: 'kill_switch.activate', access: Scope.BOTS_OPERATE },
  { type: 'kill_switch.release', access: Scope.RISK_ADMIN },
  { type: 'risk.limits.set', access: Scope.RISK_ADMIN },
] satisfies WsCommandPolicy[]);

/** The live streams of seed 004 (plus seed 000's bot.status pushes) a client may subscribe to. */
export const WS_STREAM_POLICIES: readonly { readonly stream: string; readonly access: Access }[] =
  Object.freeze([
    { stream: 'kline', access: Scope.BOTS_READ },
    { stream: 'history', access: Scope.BOTS_READ },
    { stream: 'bot.status', access: Scope.BOTS_READ },
    { stream: 'account', access: Scope.ORDERS_READ },
    { stream: 'orders', access: Scope.ORDERS_READ },
    { stream: 'trade_event', access: Scope.ORDERS_READ },
    { stream: 'position', access: Scope.ORDERS_READ },
  ]);

const PARAM = /\{[^}/]+\}/g;
const routeMatchers = ROUTE_POLICIES.map((r) => ({
  policy: r,
  re: new RegExp(`^${r.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(PARAM, '[^/]+')}$`),
}));

/** The policy of a concrete request (`/bots/abc` matches `/bots/{id}`); undefined: no such route. */
export function routePolicy(method: string, path: string): RoutePolicy | undefined {
  const bare = path.split('?', 1)[0] ?? path;
  return routeMatchers.find((m) => m.policy.method === method && m.re.test(bare))?.policy;
}

export function wsCommandPolicy(type: string): WsCommandPolicy | undefined {
  return WS_COMMAND_POLICIES.find((c) => c.type === type);
}

export function wsStreamPolicy(stream: string): Access | undefined {
  return WS_STREAM_POLICIES.find((s) => s.stream === stream)?.access;
}
