import { Rederive } from '../../canonical/rederive';
import { mapAppointment } from './appointment.mapper';
import { CoverageRows, mapCoverage } from './coverage.mapper';
import { mapDocument } from './document.mapper';
import { mapPatient } from './patient.mapper';
import { isRecord, mapOperatory, mapProvider } from './provider.mapper';

type Row = Record<string, unknown>;

/**
 * Re-derives an OpenDental record (either access path: database rows and REST API JSON share
 * the column names) from its stored `raw` row with the shared mappers. `timeZone` comes from
 * the integration's config (UTC when unset, as both adapters default). Birth dates are not
 * required here: a stored record is rewritten, never dropped. Coverages keep their four rows
 * (`patplan`, `inssub`, `insplan`, `carrier`) in `raw`.
 */
export const rederiveOpenDental: Rederive = ({ resource, raw, config }) => {
  const timeZone = typeof config.timeZone === 'string' && config.timeZone ? config.timeZone : 'UTC';
  const mapped = (() => {
    switch (resource) {
      case 'patients': return mapPatient(raw, { requireBirthdate: false, timeZone });
      case 'providers': return mapProvider(raw);
      case 'locations': return mapOperatory(raw);
      case 'appointments': return mapAppointment(raw, timeZone);
      case 'coverages': return mapCoverage(raw as unknown as CoverageRows);
      case 'documents': return mapDocument(raw as Row, timeZone);
      default: return null;
    }
  })();
  return mapped && isRecord(mapped) ? mapped : null;
};
