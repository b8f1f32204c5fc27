import { Decimal as DecimalJs } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelError } from '../errors.js';
import { Decimal, MAX_SCALE } from './decimal.js';
import { Rounding } from './rounding.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to throw');
}

function modelError(fn: () => unknown): ModelError {
  const e = thrown(fn);
  if (!(e instanceof ModelError)) throw new Error(`expected a ModelError, got ${String(e)}`);
  return e;
}

const d = (s: string): Decimal => Decimal.parse(s);

// A reference with far more digits than any sum here can need, so it never rounds.
const Ref = DecimalJs.clone({ precision: 200 });

// Decimal strings built without our own formatter, so the generator does not share our bugs.
const decimalText = fc.stringMatching(/^-?\d{1,20}(\.\d{1,18})?$/);

describe('Decimal.parse and toString', () => {
  it.each([
    ['0.10', '0.10', 10n, 2],
    ['-0.5', '-0.5', -5n, 1],
    ['007', '7', 7n, 0],
    ['42000.10', '42000.10', 4200010n, 2],
    ['+3.25', '3.25', 325n, 2],
    ['0', '0', 0n, 0],
    ['-0.000000000000000001', '-0.000000000000000001', -1n, 18],
  ])('parses "%s" and formats it back as "%s" keeping the written scale', (text, printed, units, scale) => {
    const x = Decimal.parse(text);
    expect(x.units).toBe(units);
    expect(x.scale).toBe(scale);
    expect(x.toString()).toBe(printed);
    expect(x.toJSON()).toBe(printed);
  });

  it('ignores surrounding whitespace', () => {
    expect(Decimal.parse('  1.50 ').toString()).toBe('1.50');
  });

  it.each(['1e5', 'abc', '', ' ', '1.', '.5', '1,000', '--1', '0x10', 'NaN', 'Infinity', '1.2.3'])(
    'rejects "%s" with the field named',
    (text) => {
      const e = modelError(() => Decimal.parse(text, 'order.price'));
      expect(e.field).toBe('order.price');
      expect(e.message).toContain('is not a decimal number');
    },
  );

  it('rejects more than 18 decimals with the field named and accepts exactly 18', () => {
    const e = modelError(() => Decimal.parse('0.1234567890123456789', 'fill.quantity'));
    expect(e.field).toBe('fill.quantity');
    expect(e.message).toContain(`more than the ${MAX_SCALE} allowed`);
    expect(Decimal.parse('0.123456789012345678').scale).toBe(18);
  });

  it('rejects a non-string with the field named', () => {
    const e = modelError(() => Decimal.parse(12 as unknown as string, 'x'));
    expect(e.field).toBe('x');
  });

  it('reads exactly what the grammar [+-]digits[.digits] allows, long numbers included', () => {
    // The reference: the regular expression the parser is written to agree with.
    const grammar = /^([+-])?(\d+)(?:\.(\d+))?$/;
    const word = fc.oneof(
      fc.stringMatching(/^[+-]?\d{1,30}(\.\d{1,20})?$/),
      fc.string({ unit: fc.constantFrom('0', '7', '9', '.', '-', '+', 'e', ' ', 'x'), maxLength: 12 }),
    );
    fc.assert(
      fc.property(word, (text) => {
        const m = grammar.exec(text.trim());
        if (!m || (m[3] ?? '').length > MAX_SCALE) {
          expect(modelError(() => Decimal.parse(text, 'v')).field).toBe('v');
          return;
        }
        const digits = BigInt(m[2]! + (m[3] ?? ''));
        const x = Decimal.parse(text, 'v');
        expect(x.units).toBe(m[1] === '-' ? -digits : digits);
        expect(x.scale).toBe((m[3] ?? '').length);
      }),
      { numRuns: 2000 },
    );
  });

  it('prints zero-padded fractions of small negative values', () => {
    expect(Decimal.of(-5n, 3).toString()).toBe('-0.005');
    expect(Decimal.of(5n, 3).toString()).toBe('0.005');
  });
});

describe('Decimal.from', () => {
  it.each([
    [0.1, '0.1'],
    [1e-7, '0.0000001'],
    [-1e-7, '-0.0000001'],
    [1.5e21, '1500000000000000000000'],
    [0.30000000000000004, '0.30000000000000004'],
    [42, '42'],
    [-2.5, '-2.5'],
  ])('reads the number %s exactly as %s', (n, text) => {
    expect(Decimal.from(n).toString()).toBe(text);
  });

  it.each([NaN, Infinity, -Infinity])('rejects %s with the field named', (n) => {
    const e = modelError(() => Decimal.from(n, 'bar.close'));
    expect(e.field).toBe('bar.close');
    expect(e.message).toContain('finite');
  });

  it('rejects a number too small for 18 decimals instead of rounding it away', () => {
    expect(modelError(() => Decimal.from(1e-19, 'fee')).field).toBe('fee');
  });

  it('takes bigints as integers and copies Decimals', () => {
    expect(Decimal.from(12345678901234567890n).toString()).toBe('12345678901234567890');
    const x = d('1.50');
    const y = Decimal.from(x);
    expect(y.toString()).toBe('1.50');
    expect(y).not.toBe(x);
  });

  it('rejects null, objects and booleans with the field named', () => {
    for (const bad of [null, undefined, {}, true]) {
      const e = modelError(() => Decimal.from(bad as unknown as string, 'payload.amount'));
      expect(e.field).toBe('payload.amount');
    }
  });
});

describe('Decimal.of', () => {
  it('builds units / 10^scale', () => {
    expect(Decimal.of(4200010n, 2).toString()).toBe('42000.10');
  });

  it.each([-1, 1.5, NaN])('rejects scale %s naming the scale', (scale) => {
    expect(modelError(() => Decimal.of(1n, scale)).field).toBe('scale');
  });
});

describe('Decimal arithmetic', () => {
  it('adds exactly across scales, keeping the finer scale', () => {
    const sum = d('0.1').add(d('0.2'));
    expect(sum.toString()).toBe('0.3');
    expect(d('1.5').add(d('0.25')).toString()).toBe('1.75');
    expect(d('100').add(d('0.000000000000000001')).toString()).toBe('100.000000000000000001');
    expect(d('-1.10').add(d('1.1')).toString()).toBe('0.00');
  });

  it('subtracts exactly across scales', () => {
    expect(d('1').sub(d('0.001')).toString()).toBe('0.999');
    expect(d('0.3').sub(d('0.1')).toString()).toBe('0.2');
    expect(d('-0.5').sub(d('0.25')).toString()).toBe('-0.75');
  });

  it('multiplies exactly with the scales added', () => {
    const p = d('1.10').mul(d('0.3'));
    expect(p.scale).toBe(3);
    expect(p.toString()).toBe('0.330');
    expect(d('-1250.5').mul(d('2')).toString()).toBe('-2501.0');
    expect(d('0.000000001').mul(d('0.000000001')).toString()).toBe('0.000000000000000001');
    expect(d('123456789.123456789').mul(d('987654321.987654321')).toString()).toBe(
      '121932631356500531.347203169112635269',
    );
  });

  it('multiplies by an integer at the same scale', () => {
    expect(d('0.25').mulInt(3).toString()).toBe('0.75');
    expect(d('0.25').mulInt(-4n).toString()).toBe('-1.00');
  });

  it('negates, takes absolute values and reports signs', () => {
    expect(d('1.5').neg().toString()).toBe('-1.5');
    expect(d('-1.5').abs().toString()).toBe('1.5');
    expect([d('-0.1').sign(), d('0.00').sign(), d('3').sign()]).toEqual([-1, 0, 1]);
    expect(d('0.00').isZero()).toBe(true);
    expect(d('-0.01').isNegative()).toBe(true);
    expect(d('0.01').isPositive()).toBe(true);
  });

  it('rescales up exactly and down with the named rounding', () => {
    expect(d('1.5').rescale(3).toString()).toBe('1.500');
    expect(d('1.25').rescale(1).toString()).toBe('1.2');
    expect(d('1.25').rescale(1, Rounding.HALF_UP).toString()).toBe('1.3');
    expect(d('-1.25').rescale(1, Rounding.FLOOR).toString()).toBe('-1.3');
  });

  it('keeps working on products whose scale exceeds 38', () => {
    const tiny = d('0.000000000000000001');
    const product = tiny.mul(tiny).mul(d('0.0001'));
    expect(product.scale).toBe(40);
    expect(product.cmp(Decimal.ZERO)).toBe(1);
    expect(product.add(Decimal.ONE).gt(Decimal.ONE)).toBe(true);
    expect(product.rescale(2).toString()).toBe('0.00');
  });
});

describe('Decimal.div', () => {
  const R = Rounding;
  it.each([
    // ties, positive and negative, both even and odd neighbours
    ['5', '2', 0, R.HALF_EVEN, '2'],
    ['7', '2', 0, R.HALF_EVEN, '4'],
    ['-5', '2', 0, R.HALF_EVEN, '-2'],
    ['-7', '2', 0, R.HALF_EVEN, '-4'],
    ['1', '2', 0, R.HALF_EVEN, '0'],
    ['-1', '2', 0, R.HALF_EVEN, '0'],
    ['0.125', '1', 2, R.HALF_EVEN, '0.12'],
    ['0.135', '1', 2, R.HALF_EVEN, '0.14'],
    ['5', '2', 0, R.HALF_UP, '3'],
    ['-5', '2', 0, R.HALF_UP, '-3'],
    ['5', '2', 0, R.DOWN, '2'],
    ['-5', '2', 0, R.DOWN, '-2'],
    ['5', '2', 0, R.UP, '3'],
    ['-5', '2', 0, R.UP, '-3'],
    ['5', '2', 0, R.FLOOR, '2'],
    ['-5', '2', 0, R.FLOOR, '-3'],
    ['5', '2', 0, R.CEIL, '3'],
    ['-5', '2', 0, R.CEIL, '-2'],
    // non-ties
    ['1', '3', 4, R.HALF_EVEN, '0.3333'],
    ['2', '3', 2, R.HALF_EVEN, '0.67'],
    ['-2', '3', 2, R.HALF_EVEN, '-0.67'],
    ['2', '3', 2, R.HALF_UP, '0.67'],
    ['1', '3', 4, R.UP, '0.3334'],
    ['1', '3', 4, R.CEIL, '0.3334'],
    ['1', '3', 4, R.FLOOR, '0.3333'],
    ['1', '3', 4, R.DOWN, '0.3333'],
    ['-1', '3', 4, R.UP, '-0.3334'],
    ['-1', '3', 4, R.FLOOR, '-0.3334'],
    ['-1', '3', 4, R.CEIL, '-0.3333'],
    ['-1', '3', 4, R.DOWN, '-0.3333'],
    ['-1', '3', 4, R.HALF_UP, '-0.3333'],
    // negative divisor and mixed scales
    ['5', '-2', 0, R.HALF_EVEN, '-2'],
    ['5', '-2', 0, R.FLOOR, '-3'],
    ['-5', '-2', 0, R.CEIL, '3'],
    ['1.00', '0.3', 2, R.HALF_EVEN, '3.33'],
    ['250100000', '2.0', 1, R.HALF_EVEN, '125050000.0'],
    ['1234.5678', '100', 2, R.DOWN, '12.34'],
  ] as const)('%s / %s at scale %s rounding %s is %s', (a, b, scale, mode, expected) => {
    const q = d(a).div(d(b), scale, mode);
    expect(q.toString()).toBe(expected);
    expect(q.scale).toBe(scale);
  });

  it('rounds half-even by default', () => {
    expect(d('2.5').div(Decimal.ONE, 0).toString()).toBe('2');
  });

  it('refuses to divide by zero', () => {
    expect(() => d('1').div(d('0.00'), 2)).toThrow(RangeError);
  });

  it('refuses a result scale out of range', () => {
    expect(() => d('1').div(d('3'), -1)).toThrow(ModelError);
  });

  // Checks every rounding mode exactly: e = a/b − q satisfies |e| < ulp and the mode's direction rule.
  it('rounds every mode to within one unit in the stated direction (property)', () => {
    const modes = Object.values(Rounding);
    fc.assert(
      fc.property(
        decimalText,
        decimalText.filter((t) => !/^-?[0.]+$/.test(t)),
        fc.integer({ min: 0, max: 12 }),
        fc.constantFrom(...modes),
        (at, bt, scale, mode) => {
          const a = d(at);
          const b = d(bt);
          const q = a.div(b, scale, mode);
          const ulp = Decimal.of(1n, scale);
          // e·b = a − q·b exactly; compare |e| with ulp through |e·b| and ulp·|b|.
          const eb = a.sub(q.mul(b));
          const eSign = eb.sign() * b.sign();
          const qSign = a.sign() * b.sign();
          const twiceErr = eb.abs().mulInt(2).cmp(ulp.mul(b.abs()));
          expect(eb.abs().lt(ulp.mul(b.abs()))).toBe(true);
          switch (mode) {
            case Rounding.FLOOR:
              expect(eSign).toBeGreaterThanOrEqual(0);
              break;
            case Rounding.CEIL:
              expect(eSign).toBeLessThanOrEqual(0);
              break;
            case Rounding.DOWN:
              expect(eSign === 0 || eSign === qSign).toBe(true);
              break;
            case Rounding.UP:
              expect(eSign === 0 || eSign === -qSign).toBe(true);
              break;
            case Rounding.HALF_UP:
              expect(twiceErr).toBeLessThanOrEqual(0);
              if (twiceErr === 0 && eSign !== 0) expect(eSign).toBe(-qSign);
              break;
            case Rounding.HALF_EVEN:
              expect(twiceErr).toBeLessThanOrEqual(0);
              if (twiceErr === 0 && eSign !== 0) expect(q.units % 2n).toBe(0n);
              break;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('Decimal comparison', () => {
  it('compares across scales', () => {
    expect(d('1.0').cmp(d('1.00'))).toBe(0);
    expect(d('1.0').eq(d('1'))).toBe(true);
    expect(d('-0.5').cmp(d('0.1'))).toBe(-1);
    expect(d('2').cmp(d('1.999999999999999999'))).toBe(1);
    expect(d('0.1').lt(d('0.10000000000000001'))).toBe(true);
    expect(d('0.10').lte(d('0.1'))).toBe(true);
    expect(d('-1').gt(d('-1.01'))).toBe(true);
    expect(d('-1').gte(d('-1.00'))).toBe(true);
  });

  it('picks min and max across scales', () => {
    expect(d('1.5').min(d('1.49')).toString()).toBe('1.49');
    expect(d('1.5').max(d('1.49')).toString()).toBe('1.5');
  });
});

describe('Decimal grid helpers', () => {
  it('tells whether a value is a whole multiple of a step across scales', () => {
    expect(d('0.30').isMultipleOf(d('0.1'))).toBe(true);
    expect(d('0.35').isMultipleOf(d('0.1'))).toBe(false);
    expect(d('-0.3').isMultipleOf(d('0.1'))).toBe(true);
    expect(d('42000.10').isMultipleOf(d('0.01'))).toBe(true);
    expect(d('1250.55').isMultipleOf(d('0.1'))).toBe(false);
    expect(d('15').isMultipleOf(d('5'))).toBe(true);
    expect(d('0.001').isMultipleOf(d('0.01'))).toBe(false);
  });

  it('rounds to a step with the named mode and returns the step scale', () => {
    expect(d('42000.126').roundToStep(d('0.01')).toString()).toBe('42000.13');
    expect(d('1.29').roundToStep(d('0.05'), Rounding.FLOOR).toString()).toBe('1.25');
    expect(d('1.21').roundToStep(d('0.05'), Rounding.CEIL).toString()).toBe('1.25');
    expect(d('-1.27').roundToStep(d('0.05'), Rounding.FLOOR).toString()).toBe('-1.30');
    expect(d('-1.27').roundToStep(d('0.05'), Rounding.CEIL).toString()).toBe('-1.25');
    expect(d('7').roundToStep(d('0.5')).toString()).toBe('7.0');
    expect(d('1234.5').roundToStep(d('10'), Rounding.DOWN).toString()).toBe('1230');
  });

  it('breaks step ties half-even by default and away from zero with HALF_UP', () => {
    // 1.125 / 0.25 = 4.5 steps
    expect(d('1.125').roundToStep(d('0.25')).toString()).toBe('1.00');
    expect(d('1.375').roundToStep(d('0.25')).toString()).toBe('1.50');
    expect(d('1.125').roundToStep(d('0.25'), Rounding.HALF_UP).toString()).toBe('1.25');
    expect(d('-1.125').roundToStep(d('0.25'), Rounding.HALF_UP).toString()).toBe('-1.25');
  });

  it('drops trailing fraction zeros when normalized, keeping the value', () => {
    expect(d('1.500').normalize().toString()).toBe('1.5');
    expect(d('-2.50').normalize().toString()).toBe('-2.5');
    expect(d('0.000').normalize().toString()).toBe('0');
    expect(d('100').normalize().toString()).toBe('100');
    expect(d('100.00').normalize().toString()).toBe('100');
    expect(d('0.000100').normalize().scale).toBe(4);
  });

  it('converts to a number only approximately, for display', () => {
    expect(d('0.1').toNumber()).toBe(0.1);
  });

  it('converts to the same number as parsing its string, at every size and scale', () => {
    const cases = ['-0.50', '42000.10', '9007199254740993', '123456789.123456789'];
    for (const c of cases) expect(d(c).toNumber()).toBe(Number(c));
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }),
        fc.integer({ min: 0, max: 30 }),
        (u, s) => {
          const x = Decimal.of(u, s);
          expect(x.toNumber()).toBe(Number(x.toString()));
        },
      ),
    );
  });
});

describe('Decimal properties', () => {
  it('sums 10,000 random decimals exactly as decimal.js does', () => {
    fc.assert(
      fc.property(fc.array(decimalText, { minLength: 10_000, maxLength: 10_000 }), (texts) => {
        let ours = Decimal.ZERO;
        let ref = new Ref(0);
        let scale = 0;
        for (const t of texts) {
          const x = Decimal.parse(t);
          scale = Math.max(scale, x.scale);
          ours = ours.add(x);
          ref = ref.plus(t);
        }
        expect(ours.scale).toBe(scale);
        expect(ours.toString()).toBe(ref.toFixed(scale));
      }),
      { numRuns: 5 },
    );
  });

  it('gets a + b − b back to a, exactly and at the same value', () => {
    fc.assert(
      fc.property(decimalText, decimalText, (at, bt) => {
        const a = d(at);
        const b = d(bt);
        expect(a.add(b).sub(b).eq(a)).toBe(true);
        expect(a.add(b).sub(b).normalize().toString()).toBe(a.normalize().toString());
      }),
      { numRuns: 2000 },
    );
  });

  it('multiplies exactly as decimal.js does', () => {
    fc.assert(
      fc.property(decimalText, decimalText, (at, bt) => {
        const p = d(at).mul(d(bt));
        expect(p.toString()).toBe(new Ref(at).times(bt).toFixed(p.scale));
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips every decimal string through parse and toString', () => {
    fc.assert(
      fc.property(decimalText, (t) => {
        const x = d(t);
        expect(d(x.toString()).units).toBe(x.units);
        expect(new Ref(x.toString()).eq(new Ref(t))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
