import { acceptFor, NEXHEALTH_V2_MEDIA_TYPE } from './media-types';

describe('NexHealth Accept per operation', () => {
  it('asks for the version-2 media type only where the OpenAPI document declares it', () => {
    expect(acceptFor('POST', '/authenticates')).toBe(NEXHEALTH_V2_MEDIA_TYPE);
    expect(acceptFor('GET', '/patients/1042/documents')).toBe(NEXHEALTH_V2_MEDIA_TYPE);
    expect(acceptFor('patch', '/webhook_endpoints/7?subdomain=x')).toBe(NEXHEALTH_V2_MEDIA_TYPE);
    expect(acceptFor('GET', '/patients')).toBe('application/json');
    expect(acceptFor('GET', '/patients/1042')).toBe('application/json');
    expect(acceptFor('POST', '/appointments')).toBe('application/json');
    expect(acceptFor('GET', '/insurance_coverages')).toBe('application/json');
  });
});
