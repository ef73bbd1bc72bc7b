import type { RecordLink } from './datatypes';
import type { DocumentReferenceStatus } from './value-sets';

/**
 * A canonical document's metadata, after FHIR R4 DocumentReference
 * (http://hl7.org/fhir/R4/documentreference.html). The bytes are never copied into the store.
 */
export interface DocumentReference {
  status: DocumentReferenceStatus;
  subject: RecordLink | null;
  description: string | null;
  fileName: string | null;
  /** MIME type (FHIR Attachment.contentType), from the source or the file name's extension. */
  contentType: string | null;
  /** Our small kind (`document`, `photo`, `radiograph`, `scan`…) and the vendor's own type, verbatim. */
  category: string | null;
  sourceCategory: string | null;
  /** When the document was made, as a UTC instant (FHIR date). */
  date: string | null;
  author: RecordLink | null;
  /** Tooth numbers the image or document concerns (Universal numbering), dental only. */
  toothNumbers: string[];
  comment: string | null;
  /** The vendor's download address when it gives one (never fetched by the sync). */
  url: string | null;
}
