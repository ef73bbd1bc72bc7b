import type { CanonicalRecord, ResourceType } from './index';

/** A stored record as a re-derive step reads it back: the source row as stored (`records.raw`) and its links. */
export interface StoredSource {
  resource: ResourceType;
  externalId: string;
  raw: Record<string, unknown>;
  /** `records.patient_external_id` (documents read per patient keep their owner here). */
  patientExternalId: string | null;
  /** The integration's config as stored (the mapper's options: timeZone, locationId…). */
  config: Record<string, unknown>;
}

/**
 * Maps a stored source row again with the vendor's current mappers, without contacting the
 * vendor: the mappers are pure functions of the raw row and the integration's config. Returns
 * null when the row cannot be mapped again (for example the mapper now skips it); the store then
 * keeps the record as it is. Each vendor folder exports one (see docs/canonical-model.md).
 */
export type Rederive = (source: StoredSource) => CanonicalRecord | null;
