import { describe, expect, it } from 'vitest';
import {
  ROUTE_POLICIES,
  routePolicy,
  WS_COMMAND_POLICIES,
  WS_STREAM_POLICIES,
  wsCommandPolicy,
  wsStreamPolicy,
} from './rbac-policy.js';
import { ALL_SCOPES } from './scopes.js';

// Transcribed from issue 6 ("Gateway", "Health and metrics", "Auth, RBAC, audit") and seed 000 §2.1.
const ISSUE_6_ROUTES = `
POST /bots, GET /bots, GET /bots/{id}, POST /bots/{id}/rollout, DELETE /bots/{id},
POST /instruments, GET /instruments, GET /api/positions, GET /api/orders, POST /api/orders/place,
POST /api/orders/{id}/modify, POST /api/orders/{id}/cancel, GET /api/trades, GET /api/portfolio,
GET /api/strategies, GET /api/metrics, GET /api/audit,
GET /api/data/snapshot, GET /api/data/range, GET /api/data/candles,
GET /api/backtests, POST /api/backtests, GET /api/backtests/{id},
GET /docs, GET /healthz, GET /readyz, GET /health, GET /status, GET /metrics,
POST /auth/login, POST /auth/refresh, GET /ws
`;
const ISSUE_6_PUBLIC = [
  'POST /auth/login',
  'POST /auth/refresh',
  'GET /healthz',
  'GET /readyz',
  'GET /health',
  'GET /metrics',
  'GET /ws',
];
// Seed 000 §2.1 commands, the lifecycle of issue 6 (reload, rollout, kill switch, limit change).
const ISSUE_6_WS_COMMANDS = [
  'bot.start',
  'bot.stop',
  'bot.reload',
  'bot.rollout',
  'kill_switch.activate',
  'kill_switch.release',
  'risk.limits.set',
  'subscribe',
  'auth',
];
// Seed 004's live streams plus seed 000's bot.status pushes.
const ISSUE_6_STREAMS = ['kline', 'account', 'orders', 'trade_event', 'position', 'history', 'bot.status'];

const listed = ISSUE_6_ROUTES.split(',')
  .map((r) => r.trim())
  .filter((r) => r !== '');

describe('rbac policy', () => {
  it('covers every REST route the issue lists', () => {
    const table = new Set(ROUTE_POLICIES.map((r) => `${r.method} ${r.path}`));
    expect(listed.length).toBeGreaterThan(30);
    expect(listed.filter((r) => !table.has(r))).toEqual([]);
  });

  it('leaves public only what the issue makes public, and every state-changing route needs a scope', () => {
    for (const r of ISSUE_6_PUBLIC)
      expect(routePolicy(...(r.split(' ') as [string, string]))?.access).toBe('public');
    for (const r of ROUTE_POLICIES) {
      if (r.access === 'public')
        expect(r.path).toMatch(
          /^\/(healthz|readyz|health|status|metrics|docs|ws|auth\/(login|refresh|logout))/,
        );
      if (r.method !== 'GET' && !r.path.startsWith('/auth/')) expect(ALL_SCOPES).toContain(r.access);
    }
  });

  it('has one entry per route and per WS type', () => {
    const keys = ROUTE_POLICIES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    const types = WS_COMMAND_POLICIES.map((c) => c.type);
    expect(new Set(types).size).toBe(types.length);
  });

  it('covers every WS command and stream, each behind a scope except auth', () => {
    for (const t of ISSUE_6_WS_COMMANDS) expect(wsCommandPolicy(t), t).toBeDefined();
    for (const s of ISSUE_6_STREAMS) expect(ALL_SCOPES).toContain(wsStreamPolicy(s));
    expect(WS_STREAM_POLICIES).toHaveLength(ISSUE_6_STREAMS.length);
    expect(WS_COMMAND_POLICIES.filter((c) => c.access === 'public').map((c) => c.type)).toEqual(['auth']);
    expect(wsCommandPolicy('bot.start')?.access).toBe('bots:operate');
    expect(wsCommandPolicy('kill_switch.release')?.access).toBe('risk:admin');
    expect(wsCommandPolicy('bot.explode')).toBeUndefined();
  });

  it('matches concrete paths to their templates and nothing else', () => {
    expect(routePolicy('GET', '/bots/7f3c')?.path).toBe('/bots/{id}');
    expect(routePolicy('POST', '/api/orders/O-1/cancel?x=1')?.access).toBe('orders:write');
    expect(routePolicy('DELETE', '/bots/a/b')).toBeUndefined();
    expect(routePolicy('PUT', '/bots')).toBeUndefined();
    expect(routePolicy('GET', '/healthzz')).toBeUndefined();
  });
});
