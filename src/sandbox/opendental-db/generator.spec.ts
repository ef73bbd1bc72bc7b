import { OpenDentalGenerator } from './generator';
import { OfficeClock } from './office-time';
import { Prng } from './prng';
import { ByteSink, RowEncoder, sqlLiteral, toDate, toDateTime, tsvField, type Row } from './row-format';
import { OPENDENTAL_SANDBOX_TABLES } from './schema.generated';

// Pure (no database) checks of the generator and the encoders.
const REFERENCE = '2025-06-02T15:30:00Z';

function collect(gen: OpenDentalGenerator, table: string): Row[] {
  return [...gen.tables()[table]()];
}

describe('Prng', () => {
  it('is deterministic per (seed, stream, index) and separates streams', () => {
    const a = new Prng(7, 'x', 3);
    const b = new Prng(7, 'x', 3);
    const seqA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seqA);
    expect(new Prng(7, 'y', 3).nextUint32()).not.toBe(seqA[0]);
    expect(new Prng(8, 'x', 3).nextUint32()).not.toBe(seqA[0]);
    const r = new Prng(1);
    for (let i = 0; i < 1000; i++) {
      const n = r.int(3, 5);
      expect(n >= 3 && n <= 5).toBe(true);
    }
    expect(() => r.pick([])).toThrow();
  });
});

describe('row-format', () => {
  it('formats dates in UTC and escapes TSV/SQL specials', () => {
    expect(toDate(Date.UTC(2024, 1, 29, 23, 59, 59))).toBe('2024-02-29');
    expect(toDateTime(Date.UTC(2024, 1, 29, 23, 59, 59))).toBe('2024-02-29 23:59:59');
    expect(toDateTime(Date.UTC(1999, 11, 31, 0, 0, 0))).toBe('1999-12-31 00:00:00');
    expect(tsvField('a\tb\nc\\d\r')).toBe('a\\tb\\nc\\\\d\\r');
    expect(tsvField('NULL')).toBe('NULL');
    expect(sqlLiteral("O'Brien\\")).toBe("'O\\'Brien\\\\'");
    expect(sqlLiteral(12.5)).toBe('12.5');
  });

  it('fills OpenDental empty values and insists on explicit timestamps', () => {
    const enc = new RowEncoder('deletedobject');
    expect(enc.tsvLine({ ObjectNum: 5, DeletedObjectNum: 1, DateTStamp: '2024-01-01 10:00:00' })).toBe('1\t5\t0\t2024-01-01 10:00:00\n');
    expect(() => enc.tsvLine({ DeletedObjectNum: 1 })).toThrow(/DateTStamp must be set/);
    const sink = new ByteSink();
    enc.writeTsv({ DeletedObjectNum: 2, DateTStamp: '2024-01-01 10:00:00' }, sink);
    expect(sink.take().toString('utf8')).toBe('2\t0\t0\t2024-01-01 10:00:00\n');
    const pat = new RowEncoder('patient', ['PatNum', 'DateTStamp']);
    const values = pat.values({ LName: 'Zoë' });
    expect(values[pat.columns.indexOf('Birthdate')]).toBe('0001-01-01');
    expect(values[pat.columns.indexOf('AddrNote')]).toBe('');
    expect(values[pat.columns.indexOf('EstBalance')]).toBe(0);
    expect(pat.columns).not.toContain('DateTStamp');
  });
});

describe('OfficeClock', () => {
  it('books appointments on 10-minute steps, 07:00-16:50, never on Sunday', () => {
    const clock = new OfficeClock(Date.parse(REFERENCE));
    expect(toDateTime(clock.referenceMs)).toBe('2025-06-02 00:00:00');
    const rng = new Prng(3);
    for (let d = -730; d <= 90; d += 1) {
      if (d === 0) continue;
      const t = clock.appointmentStart(rng, d);
      const at = new Date(t);
      expect(at.getUTCDay()).not.toBe(0);
      expect(at.getUTCMinutes() % 10).toBe(0);
      expect(at.getUTCHours() >= 7 && at.getUTCHours() <= 16).toBe(true);
      expect(d < 0 ? t < clock.referenceMs : t >= clock.referenceMs + 86_400_000).toBe(true);
    }
    for (let i = 0; i < 200; i++) expect(clock.stamp(rng, 0)).toBeLessThanOrEqual(clock.lastStampMs);
  });
});

describe('OpenDentalGenerator', () => {
  const opts = { patients: 250, seed: 99, referenceTime: REFERENCE };

  it('gives identical rows for the same seed, whatever the table order', () => {
    const a = new OpenDentalGenerator(opts);
    const b = new OpenDentalGenerator(opts);
    const appointmentsFirst = collect(b, 'appointment');
    expect(collect(a, 'patient')).toEqual(collect(b, 'patient'));
    expect(collect(a, 'appointment')).toEqual(appointmentsFirst);
    for (const t of OPENDENTAL_SANDBOX_TABLES) expect(collect(a, t)).toEqual(collect(b, t));
    expect(collect(new OpenDentalGenerator({ ...opts, seed: 100 }), 'patient')).not.toEqual(collect(a, 'patient'));
  });

  it('predicts the row count of every table', () => {
    const gen = new OpenDentalGenerator(opts);
    const expected = gen.expectedCounts();
    for (const t of OPENDENTAL_SANDBOX_TABLES) {
      const n = collect(gen, t).length;
      if (t === 'patplan') expect(n).toBeLessThanOrEqual(expected[t]);
      else expect([t, n]).toEqual([t, expected[t]]);
    }
  });

  it('scales reference tables with the patient count', () => {
    const small = new OpenDentalGenerator(opts);
    expect(small.ref.rows.provider).toHaveLength(4);
    expect(small.ref.rows.operatory).toHaveLength(8);
    expect(small.ref.rows.clinic).toHaveLength(2);
    const big = new OpenDentalGenerator({ ...opts, patients: 20_000 });
    expect(big.ref.rows.provider).toHaveLength(40);
    expect(big.ref.rows.clinic).toHaveLength(3);
    expect(() => new OpenDentalGenerator({ ...opts, patients: 0 })).toThrow(RangeError);
  });

  it('stamps every row explicitly before 19:00 on the day before the reference day', () => {
    const gen = new OpenDentalGenerator(opts);
    for (const t of OPENDENTAL_SANDBOX_TABLES) {
      for (const row of collect(gen, t)) {
        const stamp = (row.DateTStamp ?? row.SecDateTEdit) as string | undefined;
        if (t === 'definition' || t === 'clinic') continue; // no timestamp column
        expect(stamp).toBeDefined();
        expect(stamp! <= '2025-06-01 19:00:00' && stamp! >= '2023-06-03 00:00:00').toBe(true);
      }
    }
  });
});
