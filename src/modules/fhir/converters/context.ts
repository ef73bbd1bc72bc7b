import type { RecordLink, ResourceType } from '../../../canonical';
import { FHIR_RESOURCE_TYPE, SOURCE_ID_SYSTEM } from '../../../canonical';
import { FhirObject } from './datatypes';
import { integrationUri, systemUri } from './identifiers';

/** A stored record as the FHIR API reads it (columns of `records`). */
export interface StoredRecord {
  id: string;
  integration_id: string;
  resource_type: ResourceType;
  external_id: string;
  data: unknown;
  version: number;
  patient_id: string | null;
  updated_at: Date;
  deleted_at: Date | null;
}

/** A link from one record to another of the same integration, by the source's id. */
export interface LinkKey {
  resource: ResourceType;
  externalId: string;
}

/** Our record ids of linked records, keyed by `integrationId|resource|externalId`. */
export type LinkIds = Map<string, string>;

/** Key of {@link LinkIds}. */
export function linkKey(integrationId: string, resource: ResourceType, externalId: string): string {
  return `${integrationId}|${resource}|${externalId}`;
}

/**
 * What a converter needs besides the record: references to other records. A link the store
 * resolved becomes `{ reference: "Patient/<our id>" }`; one it could not (the linked record is
 * not stored) a logical reference by the source's id (http://hl7.org/fhir/R4/references.html#logical).
 */
export class ConvertContext {
  constructor(
    readonly record: StoredRecord,
    private readonly ids: LinkIds,
  ) {}

  /** A Reference to the record `link` names, or undefined for no link. */
  ref(resource: ResourceType, link: RecordLink | null | undefined): FhirObject | undefined {
    const externalId = link && typeof link.externalId === 'string' && link.externalId !== '' ? link.externalId : null;
    if (!externalId) return undefined;
    const type = FHIR_RESOURCE_TYPE[resource] ?? undefined;
    const id = this.ids.get(linkKey(this.record.integration_id, resource, externalId));
    if (id && type) return { reference: `${type}/${id}` };
    return { type, identifier: { system: systemUri(SOURCE_ID_SYSTEM, this.record.integration_id), value: externalId } };
  }

  /** The owning patient: `records.patient_id` when the store linked it, else the `fallback` link. */
  patientRef(fallback: RecordLink | null | undefined): FhirObject | undefined {
    return this.record.patient_id ? { reference: `Patient/${this.record.patient_id}` } : this.ref('patients', fallback);
  }

  /** `id` and `meta` of every resource: versionId = records.version, lastUpdated = records.updated_at, source = the integration. */
  envelope(resourceType: string): FhirObject {
    return {
      resourceType,
      id: this.record.id,
      meta: { versionId: String(this.record.version), lastUpdated: new Date(this.record.updated_at).toISOString(), source: integrationUri(this.record.integration_id) },
    };
  }
}
