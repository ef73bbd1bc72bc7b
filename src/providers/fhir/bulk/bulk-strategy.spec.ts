import { advertisedLevels, kickOffPath } from './bulk-strategy';

const op = (definition: string, name = 'export') => ({ name, definition });
const IG = 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition';

describe('advertisedLevels and kickOffPath', () => {
  it('reads the levels from rest.operation definitions, resource operations and instantiates', () => {
    const hapi = { rest: [{ operation: [op(`${IG}/export`), op(`${IG}/patient-export`), op(`${IG}/group-export`)] }] };
    expect([...advertisedLevels(hapi)].sort()).toEqual(['group', 'patient', 'system']);
    // Epic: Group/{id}/$export only, declared on the Group resource.
    const epic = { rest: [{ resource: [{ type: 'Group', operation: [{ name: 'export', definition: 'https://fhir.epic.com/OperationDefinition/export' }] }] }] };
    expect([...advertisedLevels(epic)]).toEqual(['group']);
    expect([...advertisedLevels({ instantiates: ['http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data'] })]).toEqual(['system']);
    expect([...advertisedLevels({ rest: [{ operation: [{ name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' }] }] })]).toEqual([]);
    expect([...advertisedLevels({})]).toEqual([]);
  });

  it('picks Group (with groupId, compartment types), else system, else Patient level, else search', () => {
    const all = new Set(['system', 'patient', 'group'] as const);
    expect(kickOffPath('Patient', 'auto', 'g 1', all)).toBe('Group/g%201/$export');
    expect(kickOffPath('Practitioner', 'auto', 'g1', all)).toBe('$export');
    expect(kickOffPath('Appointment', 'auto', null, new Set(['patient'] as const))).toBe('Patient/$export');
    expect(kickOffPath('Location', 'auto', 'g1', new Set(['group'] as const))).toBeNull();
    expect(kickOffPath('Patient', 'auto', null, new Set())).toBeNull();
    expect(kickOffPath('Patient', 'always', null, new Set())).toBe('$export');
    expect(kickOffPath('Patient', 'never', 'g1', all)).toBeNull();
  });
});
