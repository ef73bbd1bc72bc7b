import { CanonicalRecord } from '../provider-adapter';
import { mapDocument } from './document.mapper';

const DB_ROW = {
  DocNum: '17', Description: 'Consent form - treatment', DateCreated: '2025-02-03 14:05:00', DocCategory: '20', PatNum: '9',
  FileName: 'Consentformtreatment17.pdf', ImgType: 0, ToothNumbers: '', Note: 'Signed on tablet\r\nat front desk.', MountItemNum: '0',
  DateTStamp: '2025-02-03 14:06:10', RawBase64: 'JVBERi0xLjQK', Thumbnail: '/9j/4AAQ', ProvNum: '0',
};

describe('mapDocument', () => {
  it('maps document metadata, reading DateCreated in the office time zone, and never copies file content', () => {
    const record = mapDocument(DB_ROW, 'America/Chicago') as CanonicalRecord<'documents'>;
    expect(record.externalId).toBe('17');
    expect(record.patientExternalId).toBe('9');
    expect(record.data).toMatchObject({
      description: 'Consent form - treatment', fileName: 'Consentformtreatment17.pdf', contentType: 'application/pdf',
      category: 'document', sourceCategory: 'Document', date: '2025-02-03T20:05:00.000Z', subject: { externalId: '9' }, status: 'current',
      toothNumbers: [], comment: 'Signed on tablet at front desk.', author: null,
    });
    expect(record.raw?.DocCategory).toBe('20');
    expect(JSON.stringify(record.raw)).not.toContain('JVBERi0xLjQK');
    expect(JSON.stringify(record.raw)).not.toContain('/9j/4AAQ');
  });

  it('gives the same data from the API (text ImgType, carriage returns sent as spaces)', () => {
    const api = { ...DB_ROW, DocNum: 17, PatNum: 9, ImgType: 'Document', Note: 'Signed on tablet at front desk.', RawBase64: undefined };
    expect((mapDocument(api, 'UTC') as CanonicalRecord<'documents'>).data).toEqual((mapDocument(DB_ROW, 'UTC') as CanonicalRecord<'documents'>).data);
  });

  it('radiographs keep their tooth numbers and provider', () => {
    const record = mapDocument({ ...DB_ROW, ImgType: 'Radiograph', ToothNumbers: '2,3,14', ProvNum: 4, FileName: 'BWX5.jpg' }, 'UTC') as CanonicalRecord<'documents'>;
    expect(record.data).toMatchObject({ category: 'radiograph', toothNumbers: ['2', '3', '14'], author: { externalId: '4' }, contentType: 'image/jpeg' });
  });

  it('a mount (DocNum 0) is skipped with reason mount', () => {
    expect(mapDocument({ DocNum: 0, MountNum: 3, PatNum: 9, DateTStamp: '' }, 'UTC')).toMatchObject({ externalId: 'mount:3', code: 'mount' });
  });
});
