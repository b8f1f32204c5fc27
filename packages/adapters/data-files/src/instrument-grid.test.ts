import { describe, expect, it } from 'vitest';
import { CellError } from './cell-error.js';
import { InstrumentGrid } from './instrument-grid.js';
import { testInstrument } from './test-support.js';

const inst = testInstrument('ETHBTC.SIM', '0.00000001', '0.001');

describe('InstrumentGrid', () => {
  it('converts on-grid values to the instrument precision', () => {
    const g = new InstrumentGrid(inst);
    expect(g.price('0.0984').toString()).toBe('0.09840000');
    expect(g.price('0.0984').precision).toBe(8);
    expect(g.quantity('12').toString()).toBe('12.000');
    expect(g.price('9.84e-2').toString()).toBe('0.09840000');
  });

  it('refuses a price off the tick grid, saying how to round instead', () => {
    const g = new InstrumentGrid(inst);
    expect(() => g.price('0.098400001')).toThrow(CellError);
    expect(() => g.price('0.098400001')).toThrow(
      "0.098400001 is not on the tick grid of ETHBTC.SIM (tick 0.00000001); pass onOffGrid: 'round' for data whose grid is unknown",
    );
    expect(() => g.quantity('0.0005')).toThrow('is not on the lot grid of ETHBTC.SIM (lot 0.001)');
  });

  it('rounds half-even to the grid under onOffGrid round and counts what it rounded', () => {
    const g = new InstrumentGrid(inst, 'round');
    expect(g.price('0.098400005').toString()).toBe('0.09840000');
    expect(g.price('0.098400015').toString()).toBe('0.09840002');
    expect(g.rounded).toBe(2);
  });

  it('reads a float printed in full as the grid value it stands for, without rounding anything else', () => {
    const g = new InstrumentGrid(inst);
    expect(g.price('0.07745453000000001').toString()).toBe('0.07745453');
    expect(g.price('5.330000000000001e-05').toString()).toBe('0.00005330');
    expect(g.floatNoise).toBe(2);
    expect(g.rounded).toBe(0);
  });

  it('refuses a long value further from the grid than float noise', () => {
    expect(() => new InstrumentGrid(inst).price('0.0994766000000001')).toThrow('is not on the tick grid');
  });

  it('refuses negative sizes and text that is not a number', () => {
    const g = new InstrumentGrid(inst);
    expect(() => g.quantity('-1')).toThrow('-1 is negative');
    expect(() => g.price('abc')).toThrow('"abc" is not a decimal number');
  });
});

describe('InstrumentGrid.volume', () => {
  it('keeps a bar volume exactly as written, off the lot grid or not', () => {
    const grid = new InstrumentGrid(inst);
    expect(grid.volume('2131737.0044').toString()).toBe('2131737.0044');
    expect(grid.volume('12.500').toString()).toBe('12.5');
  });

  it('refuses a negative or unreadable volume', () => {
    const grid = new InstrumentGrid(inst);
    expect(() => grid.volume('-1')).toThrow(CellError);
    expect(() => grid.volume('lots')).toThrow(/"lots" is not a decimal number/);
  });
});
