import { ProviderException } from '../provider.exception';
import { parseApiEvents } from './api-events';

describe('parseApiEvents (OpenDental API Events, https://www.opendental.com/site/apievents.html)', () => {
  const parse = (value: unknown) => parseApiEvents(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));

  it('turns arrays of Patients and Appointments into changed ids (deduplicated)', () => {
    expect(parse([{ PatNum: 12, FName: 'A' }, { PatNum: '12' }, { PatNum: 13 }])).toEqual([{ resource: 'patients', externalIds: ['12', '13'] }]);
    expect(parse([{ AptNum: 7, PatNum: 12 }])).toEqual([{ resource: 'appointments', externalIds: ['7'] }]);
    expect(parse([])).toEqual([]);
  });

  it('refuses bodies that are not OpenDental events (permanent)', () => {
    for (const bad of ['not json', [1], [{ FName: 'x' }], [{ PatNum: 'abc' }], [{ PatNum: 0 }], [{ AptNum: -1 }]]) {
      let error: unknown;
      try {
        parse(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ProviderException);
      expect((error as ProviderException).temporary).toBe(false);
    }
  });
});
