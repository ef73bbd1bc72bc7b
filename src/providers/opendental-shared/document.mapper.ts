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
 * Maps an OpenDental `document` row (database row, or an item of `GET /documents?PatNum=`) to
 * canonical document metadata (FHIR DocumentReference-like). File bytes are never read.
 * - externalId = DocNum; `patientExternalId` = PatNum.
 * - `type` = ImgType in lower case (document, radiograph, photo, file, attachment); `sourceType` the OpenDental name.
 * - `categoryExternalId` = DocCategory (a definition of category 18, e.g. X-Rays); its name is not
 *   part of the record, as the REST API does not send it.
 * - `createdAt` = DateCreated read in the office `timeZone` (ISO instant), `localCreatedAt` as written.
 * - `toothNumbers` = ToothNumbers split on commas; `contentType` from the file name's extension.
 * Mounts (which the API lists with DocNum 0) are not documents: skipped with reason `mount`.
 */
export function mapDocument(row: Record<string, unknown>, timeZone: string): CanonicalRecord | RecordIssue {
  const docNum = fk(row.DocNum);
  if (!docNum) {
    return { externalId: fk(row.MountNum) ? `mount:${row.MountNum}` : null, code: 'mount', message: 'Row is an image mount, not a document' };
  }
  const typeName = enumName(IMAGE_TYPE, row.ImgType);
  const localCreatedAt = odDateTime(row.DateCreated);
  const fileName = text(row.FileName);
  const extension = fileName?.includes('.') ? fileName.split('.').pop()!.toLowerCase() : null;
  const description = oneLine(row.Description);
  const raw: Record<string, unknown> = { ...row };
  for (const column of CONTENT_COLUMNS) if (column in raw) raw[column] = undefined;
  return {
    externalId: docNum,
    patientExternalId: fk(row.PatNum),
    sourceUpdatedAt: text(row.DateTStamp),
    data: {
      patientExternalId: fk(row.PatNum),
      description,
      fileName,
      contentType: extension ? CONTENT_TYPE[extension] ?? null : null,
      type: typeName ? typeName.toLowerCase() : null,
      sourceType: typeName,
      categoryExternalId: fk(row.DocCategory),
      createdAt: localToInstant(localCreatedAt, timeZone),
      localCreatedAt,
      timeZone,
      toothNumbers: (text(row.ToothNumbers) ?? '').split(',').map((t) => t.trim()).filter(Boolean),
      note: oneLine(row.Note),
      providerExternalId: fk(row.ProvNum),
      mountItemExternalId: fk(row.MountItemNum),
    },
    raw,
    index: { searchText: description?.toLowerCase() ?? null },
  };
}
