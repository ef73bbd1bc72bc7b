import { link } from '../../canonical';
import { CanonicalRecord, RecordIssue } from '../provider-adapter';
import { enumName } from './enums';
import { fk, localToInstant, odDateTime, oneLine, text } from './values';

/** document.ImgType (schema enum ImageType). */
export const IMAGE_TYPE = ['Document', 'Radiograph', 'Photo', 'File', 'Attachment'] as const;

/** Columns that hold file content or signatures: never copied into `raw` (the API does not return bytes either, §1.5). */
const CONTENT_COLUMNS = ['RawBase64', 'Thumbnail', 'Signature', 'OcrResponseData'];

const CONTENT_TYPE: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', bmp: 'image/bmp', tif: 'image/tiff', tiff: 'image/tiff',
  pdf: 'application/pdf', doc: 'application/msword', txt: 'text/plain', rtf: 'application/rtf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', dcm: 'application/dicom',
};

/**
 * Text on one line: the REST API sends carriage returns as spaces (§1.2), so line breaks from
 * the database are turned into spaces too, and both paths give the same canonical text.
 */
export { oneLine };

/**
 * Maps an OpenDental `document` row (database row, or an item of `GET /documents?PatNum=`) to a
 * canonical `DocumentReference` (FHIR R4). File bytes are never read.
 * - externalId = DocNum; `subject` = PatNum; `author` = ProvNum; `status` always `current`.
 * - `category` = ImgType in lower case (document, radiograph, photo, file, attachment); `sourceCategory` the OpenDental name.
 *   DocCategory (a definition of category 18, e.g. X-Rays) stays in `raw`: the REST API does not send its name.
 * - `date` = DateCreated read in the office `timeZone` (UTC instant).
 * - `toothNumbers` = ToothNumbers split on commas; `contentType` from the file name's extension; `comment` = Note.
 * Mounts (which the API lists with DocNum 0) are not documents: skipped with reason `mount`.
 */
export function mapDocument(row: Record<string, unknown>, timeZone: string): CanonicalRecord<'documents'> | RecordIssue {
  const docNum = fk(row.DocNum);
  if (!docNum) {
    return { externalId: fk(row.MountNum) ? `mount:${row.MountNum}` : null, code: 'mount', message: 'Row is an image mount, not a document' };
  }
  const typeName = enumName(IMAGE_TYPE, row.ImgType);
  const fileName = text(row.FileName);
  const dot = fileName ? fileName.lastIndexOf('.') : -1;
  const extension = fileName && dot >= 0 ? fileName.slice(dot + 1).toLowerCase() : null;
  const description = oneLine(row.Description);
  const raw: Record<string, unknown> = { ...row };
  for (const column of CONTENT_COLUMNS) if (column in raw) raw[column] = undefined;
  const patientExternalId = fk(row.PatNum);
  return {
    externalId: docNum,
    patientExternalId,
    sourceUpdatedAt: text(row.DateTStamp),
    data: {
      status: 'current',
      subject: link(patientExternalId),
      description,
      fileName,
      contentType: extension ? CONTENT_TYPE[extension] ?? null : null,
      category: typeName ? typeName.toLowerCase() : null,
      sourceCategory: typeName,
      date: localToInstant(odDateTime(row.DateCreated), timeZone),
      author: link(fk(row.ProvNum)),
      toothNumbers: (text(row.ToothNumbers) ?? '').split(',').map((t) => t.trim()).filter(Boolean),
      comment: oneLine(row.Note),
      url: null,
    },
    raw,
    index: { searchText: description?.toLowerCase() ?? null },
  };
}
