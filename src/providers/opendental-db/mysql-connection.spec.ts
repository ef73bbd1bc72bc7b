import { ProviderExceptionCode } from '../provider.exception';
import { translateMysqlError } from './mysql-connection';
import { streamsFor, tablesFor } from './resource-readers';
import { withDefaults } from './opendental-db.config';

/** Errors as mysql2 reports them (code, errno, sqlMessage), with the text MariaDB 10.11 sends. */
const driverError = (code: string, sqlMessage: string) => Object.assign(new Error(sqlMessage), { code, sqlMessage });

describe('translateMysqlError: table-level errors fail one resource, with the table and code only', () => {
  it('ER_NO_SUCH_TABLE → RESOURCE_NOT_FOUND (permanent) naming the table, not the database', () => {
    const error = translateMysqlError(driverError('ER_NO_SUCH_TABLE', "Table 'office_smith_dds.patplan' doesn't exist"));
    expect(error).toMatchObject({ code: ProviderExceptionCode.RESOURCE_NOT_FOUND, temporary: false });
    expect(error.message).toBe('The OpenDental table patplan does not exist in this database (ER_NO_SUCH_TABLE)');
  });

  it('ER_TABLEACCESS_DENIED_ERROR → RESOURCE_FORBIDDEN naming the table, never the user or host', () => {
    const error = translateMysqlError(driverError('ER_TABLEACCESS_DENIED_ERROR', "SELECT command denied to user 'dr_jones'@'10.0.0.7' for table `office`.`document`"));
    expect(error).toMatchObject({ code: ProviderExceptionCode.RESOURCE_FORBIDDEN, temporary: false });
    expect(error.message).toBe('The database user may not read the OpenDental table document (ER_TABLEACCESS_DENIED_ERROR): grant it SELECT');
    expect(error.message).not.toMatch(/dr_jones|10\.0\.0\.7|office`/);
  });

  it('ER_COLUMNACCESS_DENIED_ERROR → RESOURCE_FORBIDDEN naming the table', () => {
    const error = translateMysqlError(driverError('ER_COLUMNACCESS_DENIED_ERROR', "SELECT command denied to user 'u'@'h' for column 'SSN' in table 'patient'"));
    expect(error).toMatchObject({ code: ProviderExceptionCode.RESOURCE_FORBIDDEN });
    expect(error.message).toContain('table patient (ER_COLUMNACCESS_DENIED_ERROR)');
  });

  it('a message without a plain table name still gives the code; login and database errors keep their job-level codes', () => {
    expect(translateMysqlError(driverError('ER_NO_SUCH_TABLE', 'odd')).message).toBe('An OpenDental table does not exist in this database (ER_NO_SUCH_TABLE)');
    expect(translateMysqlError(driverError('ER_TABLEACCESS_DENIED_ERROR', 'odd')).message).toBe('The database user may not read an OpenDental table (ER_TABLEACCESS_DENIED_ERROR): grant it SELECT');
    expect(translateMysqlError(driverError('ER_ACCESS_DENIED_ERROR', "Access denied for user 'u'@'h'")).code).toBe(ProviderExceptionCode.AUTHENTICATION_FAILED);
    expect(translateMysqlError(driverError('ER_BAD_DB_ERROR', "Unknown database 'x'")).code).toBe(ProviderExceptionCode.INVALID_CONFIG);
    expect(translateMysqlError(driverError('ECONNREFUSED', '')).temporary).toBe(true);
  });
});

describe('tablesFor: the probe checks every table a resource read names', () => {
  it.each(['patients', 'providers', 'locations', 'appointments', 'coverages', 'documents'] as const)('%s', (resource) => {
    for (const config of [withDefaults({}), withDefaults({ clinicNums: [1] })]) {
      const sql = streamsFor(resource, config).map((s) => `${s.query.table} ${s.query.columns} ${s.query.where.join(' ')}`).join(' ');
      const named = new Set([...sql.matchAll(/\b(?:FROM|JOIN)\s+(\w+)/gi)].map((m) => m[1]));
      for (const s of streamsFor(resource, config)) named.add(s.query.table.split(' ')[0]);
      expect([...named].sort()).toEqual([...tablesFor(resource, config)].sort());
    }
  });
});
