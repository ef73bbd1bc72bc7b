import { PAT_STATUS, PatStatusName } from '../opendental-shared/enums';

/** Validated config of an `opendental-db` integration. */
export interface OpenDentalDbConfig {
  host: string;
  port: number;
  database: string;
  username: string;
  clinicNums?: number[];
  patientStatuses?: PatStatusName[];
  requireBirthdate: boolean;
  timeZone: string;
}

/** Credentials of an `opendental-db` integration. */
export interface OpenDentalDbCredentials {
  password: string;
}

/** JSON Schema of the config (rendered as the setup form; validated on create and update). */
export const OPENDENTAL_DB_CONFIG_SCHEMA: Record<string, unknown> = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'database', 'username'],
  properties: {
    host: { type: 'string', 'x-outbound': 'host', title: 'Host', description: 'MySQL/MariaDB server of the office (hostname or IP).', minLength: 1, maxLength: 255, examples: ['10.0.0.12'] },
    port: { type: 'integer', title: 'Port', minimum: 1, maximum: 65535, default: 3306 },
    database: { type: 'string', title: 'Database', description: 'OpenDental database name, usually "opendental".', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_$-]+$', examples: ['opendental'] },
    username: { type: 'string', title: 'Username', description: 'A MySQL user with SELECT on the OpenDental database.', minLength: 1, maxLength: 80 },
    clinicNums: { type: 'array', title: 'Clinics', description: 'Only sync these ClinicNums (omit for all).', items: { type: 'integer', minimum: 0 }, uniqueItems: true, maxItems: 500 },
    patientStatuses: {
      type: 'array',
      title: 'Patient statuses',
      description: 'PatStatus values to sync (default: all but Deleted). Patients becoming Deleted are always read so they are marked deleted.',
      items: { type: 'string', enum: PAT_STATUS.filter((s) => s !== 'Deleted') },
      uniqueItems: true,
    },
    requireBirthdate: { type: 'boolean', title: 'Require birth date', description: 'Skip patients without a birth date (reason missing_birthdate).', default: true },
    timeZone: { type: 'string', title: 'Office time zone', description: 'IANA zone of the office; AptDateTime is office-local time.', default: 'UTC', examples: ['America/Chicago'] },
  },
};

/** Fills defaults on an already schema-validated config. */
export function withDefaults(config: Record<string, unknown>): OpenDentalDbConfig {
  return {
    host: String(config.host),
    port: Number(config.port ?? 3306),
    database: String(config.database),
    username: String(config.username),
    clinicNums: config.clinicNums as number[] | undefined,
    patientStatuses: config.patientStatuses as PatStatusName[] | undefined,
    requireBirthdate: config.requireBirthdate === undefined ? true : Boolean(config.requireBirthdate),
    timeZone: String(config.timeZone ?? 'UTC'),
  };
}
