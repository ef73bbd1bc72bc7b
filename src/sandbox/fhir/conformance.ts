import { FhirSandboxProfile } from './profiles';

/**
 * `.well-known/smart-configuration` of a simulated tenant
 * (https://hl7.org/fhir/smart-app-launch/conformance.html#metadata): token endpoint, client
 * authentication methods, RS384/ES384, client_credentials, system scopes.
 */
export function smartConfiguration(profile: FhirSandboxProfile, base: string): Record<string, unknown> {
  return {
    issuer: base,
    token_endpoint: `${base}/auth/token`,
    token_endpoint_auth_methods_supported: profile.authMethods,
    token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
    grant_types_supported: ['client_credentials'],
    scopes_supported: profile.types.flatMap((t) => [`system/${t}.read`, `system/${t}.rs`]),
    capabilities: ['client-confidential-asymmetric', 'permission-v1', 'permission-v2'],
  };
}

/** The CapabilityStatement (`GET metadata`, http://hl7.org/fhir/R4/capabilitystatement.html) of a simulated tenant. */
export function capabilityStatement(profile: FhirSandboxProfile, base: string): Record<string, unknown> {
  return {
    resourceType: 'CapabilityStatement', status: 'active', date: '2026-12-01', kind: 'instance', fhirVersion: '4.0.1', format: ['json'],
    software: { name: profile.software }, implementation: { description: profile.id, url: base },
    rest: [{
      mode: 'server',
      security: {
        service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
        extension: [{ url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris', extension: [{ url: 'token', valueUri: `${base}/auth/token` }] }],
      },
      resource: profile.types.map((type) => ({
        type, interaction: [{ code: 'read' }, { code: 'search-type' }],
        searchParam: [
          { name: '_id', type: 'token' },
          ...(profile.lastUpdated.includes(type) ? [{ name: '_lastUpdated', type: 'date' }] : []),
          ...(profile.countParam ? [{ name: profile.countParam, type: 'number' }] : []),
          ...(profile.tenancyParam ? [{ name: profile.tenancyParam.name, type: 'reference' }] : []),
        ],
      })),
    }],
  };
}
