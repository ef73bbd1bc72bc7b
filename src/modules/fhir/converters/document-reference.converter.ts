import type { DocumentReference } from '../../../canonical';
import { DOCUMENT_REFERENCE_STATUS } from '../../../canonical';
import type { Converter } from './converter';
import { code, compact, FhirObject, instant, str } from './datatypes';

/**
 * Canonical document → FHIR R4 DocumentReference (http://hl7.org/fhir/R4/documentreference.html):
 * subject by `records.patient_id`, `date` an instant, our kind as `category` text and the source's
 * type as `type` text, one `content.attachment` (content type, the file name as title, the
 * vendor's address as url when it is absolute). The bytes are never served.
 */
export const documentReferenceConverter: Converter<DocumentReference> = {
  links: (d) => [
    ...(d.subject?.externalId ? [{ resource: 'patients' as const, externalId: d.subject.externalId }] : []),
    ...(d.author?.externalId ? [{ resource: 'providers' as const, externalId: d.author.externalId }] : []),
  ],
  toFhir(d, ctx) {
    const url = str(d.url) && /^https?:\/\/\S+$/.test(d.url ?? '') ? d.url ?? undefined : undefined;
    const contentType = str(d.contentType) && /^[\w.+-]+\/[\w.+-]+$/.test(d.contentType ?? '') ? d.contentType ?? undefined : undefined;
    const attachment = compact({ contentType, url, title: str(d.fileName) ?? str(d.description) ?? 'document' }) as FhirObject;
    const category = str(d.category);
    const author = ctx.ref('providers', d.author);
    return compact({
      ...ctx.envelope('DocumentReference'),
      status: code(DOCUMENT_REFERENCE_STATUS, d.status) ?? 'current',
      type: str(d.sourceCategory) ? { text: d.sourceCategory ?? undefined } : undefined,
      category: category ? [{ text: category }] : undefined,
      subject: ctx.patientRef(d.subject),
      date: instant(d.date),
      author: author ? [author] : undefined,
      description: str(d.description),
      content: [{ attachment }],
    }) as FhirObject;
  },
};
