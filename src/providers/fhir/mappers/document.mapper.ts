import { DOCUMENT_REFERENCE_STATUS, DocumentReference, DocumentReferenceStatus } from '../../../canonical';
import type { FhirResource } from '../fhir-types';
import { conceptCode, instant, link, obj, objs, str } from './elements';
import { FhirMapped, lastUpdated, MapOptions, rawCopy } from './resource';

/**
 * FHIR R4 DocumentReference (http://hl7.org/fhir/R4/documentreference.html, US Core
 * DocumentReference) → canonical document metadata: `status`, `subject` (a Patient), `type` /
 * `category` code as `sourceCategory`, `date`, the first Practitioner `author`, and the first
 * attachment's `title`, `contentType` and `url` (kept verbatim, usually `Binary/…`; never
 * fetched). Inline `attachment.data` is never stored: it is removed from `raw`.
 * `status = entered-in-error` marks the record deleted.
 */
export function mapFhirDocumentReference(resource: FhirResource, _options: MapOptions = {}): FhirMapped<'documents'> {
  const statusCode = str(resource.status);
  const status: DocumentReferenceStatus = statusCode && (DOCUMENT_REFERENCE_STATUS as readonly string[]).includes(statusCode) ? (statusCode as DocumentReferenceStatus) : 'current';
  const attachment = obj(objs(resource.content)[0]?.attachment);
  const subject = link(resource.subject, 'Patient');
  const category = objs(resource.category)[0];
  const data: DocumentReference = {
    status, subject, description: str(resource.description), fileName: str(attachment?.title), contentType: str(attachment?.contentType),
    category: 'document', sourceCategory: conceptCode(resource.type) ?? conceptCode(category),
    date: instant(resource.date), author: objs(resource.author).map((a) => link(a, 'Practitioner')).find((l) => l !== null) ?? null,
    toothNumbers: [], comment: null, url: str(attachment?.url),
  };
  return {
    externalId: String(resource.id), data, deleted: status === 'entered-in-error', sourceUpdatedAt: lastUpdated(resource),
    patientExternalId: subject?.externalId ?? null, index: { startsAt: data.date, status },
    raw: rawCopy(resource, (copy) => {
      for (const content of objs(copy.content)) {
        const a = obj(content.attachment);
        if (a) delete a.data;
      }
    }),
  };
}
