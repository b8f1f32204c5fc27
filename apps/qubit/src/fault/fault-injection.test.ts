import { describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '@qubit/test-data';
import { runFaultScenario, type FaultScenarioResult } from './fault-scenario.js';

function expectNothingLostOrDoubled(r: FaultScenarioResult): void {
  expect(r.problems).toEqual([]);
  expect(r.kills).toBeGreaterThanOrEqual(20);
  expect(r.venueOrders).toBeGreaterThan(0);
  expect(r.venueFills).toBeGreaterThan(0);
  // Every fill the venue made is in the store exactly once, and the store has no other.
  expect(r.missingFills).toEqual([]);
  expect(r.unknownFills).toEqual([]);
  // No ClientOrderId reached the venue twice.
  expect(r.duplicateSubmits).toEqual([]);
  // Positions and balances equal the venue's.
  expect(r.positionMismatches).toEqual([]);
  expect(r.balanceMismatches).toEqual([]);
}

describe('the platform killed with SIGKILL at random instants', () => {
  it('loses no fill, sends no ClientOrderId twice and ends with the venue positions and balances (PGlite)', async () => {
    const r = await runFaultScenario({ kills: 20, seed: 4 });
    console.log(`fault injection (PGlite): ${JSON.stringify(r)}`);
    expectNothingLostOrDoubled(r);
  }, 600_000);

  const pg = testDatabaseUrl();
  it.skipIf(!pg.value)(
    'the same on PostgreSQL 15',
    async () => {
      const { withTempDatabase } = await import('./temp-database.js');
      await withTempDatabase(pg.value!, async (url) => {
        const r = await runFaultScenario({ kills: 20, seed: 5, databaseUrl: url });
        console.log(`fault injection (PostgreSQL): ${JSON.stringify(r)}`);
        expectNothingLostOrDoubled(r);
      });
    },
    600_000,
  );
});
