import { validateConfig } from '../../modules/integrations/config-validator';
import { ATHENAHEALTH_PROFILE } from '../athenahealth';
import { ECLINICALWORKS_PROFILE } from '../eclinicalworks';
import { EPIC_PROFILE } from '../epic';
import { NEXTGEN_PROFILE } from '../nextgen';
import { ORACLE_HEALTH_PROFILE } from '../oracle-health';
import { VERADIGM_PROFILE } from '../veradigm';
import { ProviderExceptionCode } from '../provider.exception';
import { derivedTokenUrl, fillTemplate } from './profile';
import { profileDescriptor } from './profile-adapter';
import { connectionOf, withDefaults } from './profile-config';

describe('FHIR vendor profiles (data)', () => {
  it('derive token URLs where the vendor documents the rule, and leave the rest to discovery', () => {
    expect(derivedTokenUrl(EPIC_PROFILE, 'https://fhir.epic.com/interconnect-fhir-oauth/api/FHIR/R4')).toBe('https://fhir.epic.com/interconnect-fhir-oauth/oauth2/token');
    expect(derivedTokenUrl(ATHENAHEALTH_PROFILE, 'https://api.preview.platform.athenahealth.com/fhir/r4')).toBe('https://api.preview.platform.athenahealth.com/oauth2/v1/token');
    expect(derivedTokenUrl(ATHENAHEALTH_PROFILE, 'https://api.platform.athenahealth.com/fhir/r4')).toBe('https://api.platform.athenahealth.com/oauth2/v1/token');
    expect(derivedTokenUrl(NEXTGEN_PROFILE, 'https://fhir.nextgen.com/nge/prod/fhir-api-r4/fhir/R4')).toBe('https://fhir.nextgen.com/nge/prod/patient-oauth/token');
    expect(derivedTokenUrl(VERADIGM_PROFILE, 'https://fhir.fhirpoint.open.allscripts.com/fhirroute/fhir/CP00101')).toBe('https://fhir.fhirpoint.open.allscripts.com/fhirroute/authorizationV2/CP00101/connect/token');
    expect(derivedTokenUrl(ORACLE_HEALTH_PROFILE, 'https://fhir-ehr.cerner.com/r4/ec2458f2-1e24-41c8-b71b-0e701af7583d')).toBeNull();
    expect(derivedTokenUrl(EPIC_PROFILE, 'http://127.0.0.1:3000/sandbox/fhir/epic/t1')).toBeNull();
    // A configured token URL wins over the derived one.
    expect(withDefaults(EPIC_PROFILE, { fhirBaseUrl: 'https://h.example/api/FHIR/R4/', tokenUrl: 'https://auth.example/token', clientId: 'c' }).tokenUrl).toBe('https://auth.example/token');
  });

  it('athenahealth: practiceId required and digits; the tenancy parameter is filled from it', () => {
    const descriptor = profileDescriptor(ATHENAHEALTH_PROFILE);
    const good = { fhirBaseUrl: 'https://api.platform.athenahealth.com/fhir/r4', clientId: 'c', practiceId: '195900' };
    expect(() => validateConfig(descriptor, good)).not.toThrow();
    expect(() => validateConfig(descriptor, { ...good, practiceId: undefined })).toThrow(/practiceId/);
    expect(() => validateConfig(descriptor, { ...good, practiceId: 'a-1.Practice-1' })).toThrow(/config\.practiceId/);
    expect(fillTemplate((ATHENAHEALTH_PROFILE.tenancy as { template: string }).template, good)).toBe('Organization/a-1.Practice-195900');
  });

  it('config: signingAlgorithm RS384|ES384, bulkExport auto|always|never, groupId; unknown fields refused', () => {
    const descriptor = profileDescriptor(EPIC_PROFILE);
    const good = { fhirBaseUrl: 'https://h.example/api/FHIR/R4', clientId: 'c', keyId: 'k', signingAlgorithm: 'ES384', groupId: 'g-1', bulkExport: 'never' };
    expect(() => validateConfig(descriptor, good)).not.toThrow();
    expect(() => validateConfig(descriptor, { ...good, signingAlgorithm: 'RS256' })).toThrow(/config\.signingAlgorithm/);
    expect(() => validateConfig(descriptor, { ...good, bulkExport: 'sometimes' })).toThrow(/config\.bulkExport/);
    expect(() => validateConfig(descriptor, { ...good, practiceId: '1' })).toThrow(/practiceId/);
    expect(withDefaults(EPIC_PROFILE, { ...good, pageSize: 500 }).pageSize).toBe(100); // Epic's cap
  });

  it('client secrets only where the vendor takes them; the catalog offers the field accordingly', () => {
    const config = withDefaults(EPIC_PROFILE, { fhirBaseUrl: 'https://h.example/api/FHIR/R4', clientId: 'c' });
    expect(() => connectionOf(EPIC_PROFILE, 'i', config, { clientSecret: 's' })).toThrow(expect.objectContaining({ code: ProviderExceptionCode.INVALID_CONFIG, temporary: false }));
    expect(connectionOf(ATHENAHEALTH_PROFILE, 'i', withDefaults(ATHENAHEALTH_PROFILE, { fhirBaseUrl: 'https://api.platform.athenahealth.com/fhir/r4', clientId: 'c' }), { clientSecret: 's' }).auth)
      .toMatchObject({ method: 'client_secret_basic' });
    expect(profileDescriptor(ECLINICALWORKS_PROFILE).credentialFields.map((f) => f.name)).toEqual(['privateKey']);
    expect(profileDescriptor(ORACLE_HEALTH_PROFILE).credentialFields.map((f) => f.name)).toEqual(['privateKey', 'clientSecret']);
  });

  it('the catalog names what a profile cannot read and that it is read-only', () => {
    const d = profileDescriptor(ECLINICALWORKS_PROFILE);
    expect(d.capabilities.resources).not.toContain('appointments');
    expect(d.description).toContain('appointments: eClinicalWorks has no Appointment');
    expect(d.description).toContain('Read-only');
    expect(profileDescriptor(NEXTGEN_PROFILE).capabilities.incremental).toEqual(['providers', 'locations', 'patients', 'coverages', 'documents']);
    expect(profileDescriptor(EPIC_PROFILE).capabilities.incremental).toEqual([]);
  });
});
