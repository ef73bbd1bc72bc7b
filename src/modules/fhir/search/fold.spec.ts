import { Client } from 'pg';
import { escapeLike, fold } from './fold';

/* The API folds search values in TypeScript and the index folds stored names with the SQL
 * function fhir_fold (migration 1795600000200): both must give the same text. */
describe('fold', () => {
  const samples = ['Müller', "O'Brien", 'ŁUKASZ', 'Zoë', 'José-María', 'Øster', 'ČĆŽ', 'plain', 'Ñandú', 'Smith-12'];

  it('matches the SQL fhir_fold on the test database', async () => {
    const pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
    try {
      const { rows } = await pg.query<{ v: string; f: string }>('SELECT v, fhir_fold(v) AS f FROM unnest($1::text[]) AS v', [samples]);
      expect(rows.map((r) => r.f)).toEqual(samples.map(fold));
    } finally {
      await pg.end();
    }
    expect(fold('Müller')).toBe('muller');
    expect(fold('ŁUKASZ')).toBe('lukasz');
  });

  it('escapes LIKE wildcards', () => {
    expect(escapeLike('50%_a\\b')).toBe('50\\%\\_a\\\\b');
  });
});
