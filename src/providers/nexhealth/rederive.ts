import { Rederive } from '../../canonical/rederive';
import { mapNexAppointment } from './appointment.mapper';
import { mapNexPatient, NexPatientJson } from './patient.mapper';
import { mapNexBalance, mapNexCoverage, mapNexDocument, mapNexOperatory, mapNexProvider } from './records.mapper';

/**
 * Re-derives a NexHealth record from its stored `raw` JSON with the current mappers: patients
 * take the integration's `locationId` from its config, documents their patient from the stored
 * `patient_external_id` (NexHealth lists documents per patient). Birth dates are not required
 * here: a stored record is rewritten, never dropped.
 */
export const rederiveNexHealth: Rederive = ({ resource, raw, config, patientExternalId }) => {
  switch (resource) {
    case 'patients': {
      const mapped = mapNexPatient(raw as NexPatientJson, { requireBirthdate: false, locationId: Number(config.locationId ?? 0) });
      return 'data' in mapped ? mapped : null;
    }
    case 'providers': return mapNexProvider(raw);
    case 'locations': return mapNexOperatory(raw);
    case 'appointments': {
      const mapped = mapNexAppointment(raw);
      return 'data' in mapped ? mapped : null;
    }
    case 'coverages': return mapNexCoverage(raw);
    case 'documents': return patientExternalId ? mapNexDocument(raw, patientExternalId) : null;
    case 'balances': return mapNexBalance(raw);
    default: return null;
  }
};
