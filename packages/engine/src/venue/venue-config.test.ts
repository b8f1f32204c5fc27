import { Decimal } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIMULATED_VENUE_CONFIG, resolveVenueConfig } from './venue-config.js';

describe('resolveVenueConfig', () => {
  it('fills in the documented defaults', () => {
    expect(resolveVenueConfig()).toEqual(DEFAULT_SIMULATED_VENUE_CONFIG);
    expect(DEFAULT_SIMULATED_VENUE_CONFIG).toMatchObject({
      latencyNs: 0n,
      barPath: 'OHLC',
      slippageTicks: 0,
      useVisibleVolume: true,
      rejectOutsideSession: true,
      enforceRules: true,
      bookLevelsFromQuotes: true,
      keepFills: true,
    });
  });

  it('keeps given fields and ignores explicit undefined', () => {
    const c = resolveVenueConfig({ latencyNs: 5n, slippageTicks: undefined });
    expect(c.latencyNs).toBe(5n);
    expect(c.slippageTicks).toBe(0);
  });

  it.each([
    [{ latencyNs: 5 as unknown as bigint }, 'config.latencyNs'],
    [{ enforceRules: 'yes' as unknown as boolean }, 'config.enforceRules'],
    [{ barVolumeShare: Decimal.parse('1.5') }, 'config.barVolumeShare'],
    [{ feeOverride: { maker: 0.001 as unknown as Decimal } }, 'config.feeOverride.maker'],
    [{ closedOrderMemory: -1 }, 'config.closedOrderMemory'],
    [{ closedOrderMemory: 1.5 }, 'config.closedOrderMemory'],
  ])('names the bad field %#', (partial, field) => {
    expect(() => resolveVenueConfig(partial)).toThrow(field);
  });
});
