import { ApiProperty } from '@nestjs/swagger';
import { DOCUMENT_REFERENCE_STATUS, DocumentReference, DocumentReferenceStatus } from '../../../../canonical';
import { RecordLinkDto } from './datatypes.dto';

/**
 * The `data` of a `documents` record: the canonical DocumentReference
 * (src/canonical/document-reference.ts), after FHIR R4 DocumentReference
 * (http://hl7.org/fhir/R4/documentreference.html). Metadata only, never the bytes.
 */
export class DocumentReferenceDataDto implements DocumentReference {
  @ApiProperty({ description: 'FHIR DocumentReferenceStatus.', example: 'current', enum: DOCUMENT_REFERENCE_STATUS })
  status: DocumentReferenceStatus;

  @ApiProperty({ description: 'The patient, a `patients` record.', type: RecordLinkDto, nullable: true })
  subject: RecordLinkDto | null;

  @ApiProperty({ description: 'Description.', example: 'Bitewing', type: String, nullable: true })
  description: string | null;

  @ApiProperty({ description: 'File name.', example: 'bw.jpg', type: String, nullable: true })
  fileName: string | null;

  @ApiProperty({ description: 'MIME type (FHIR Attachment.contentType).', example: 'image/jpeg', type: String, nullable: true })
  contentType: string | null;

  @ApiProperty({ description: 'Our small kind (document, photo, radiograph, scan…).', example: 'radiograph', type: String, nullable: true })
  category: string | null;

  @ApiProperty({ description: "The vendor's own document type, verbatim.", example: 'X-Rays', type: String, nullable: true })
  sourceCategory: string | null;

  @ApiProperty({ description: 'When the document was made, UTC instant.', example: '2026-11-30T10:00:00.000Z', type: String, nullable: true })
  date: string | null;

  @ApiProperty({ description: 'The author, a `providers` record.', type: RecordLinkDto, nullable: true })
  author: RecordLinkDto | null;

  @ApiProperty({ description: 'Tooth numbers (Universal numbering), dental only.', example: ['3', '14'], type: String, isArray: true })
  toothNumbers: string[];

  @ApiProperty({ description: 'Free-text note.', example: 'Retake', type: String, nullable: true })
  comment: string | null;

  @ApiProperty({ description: "The vendor's download address (never fetched by the sync).", example: 'https://example.com/doc/1', type: String, nullable: true })
  url: string | null;
}
