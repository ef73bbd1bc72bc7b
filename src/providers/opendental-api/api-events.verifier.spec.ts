import { API_EVENTS_SCHEME, OPENDENTAL_API_SCHEMES, OPENDENTAL_API_WEBHOOKS } from './api-events';
import { OpenDentalApiEventsVerifier } from './api-events.verifier';

describe('OpenDentalApiEventsVerifier', () => {
  const od = new OpenDentalApiEventsVerifier();
  it('accepts the customer key bare or in ODFHIR form and refuses anything else', () => {
    const check = (authorization: string | undefined) => od.verify({ body: Buffer.from('[]'), headers: { authorization } }, { secrets: ['CustKey123'] }).ok;
    expect(check('CustKey123')).toBe(true);
    expect(check('ODFHIR DevKey/CustKey123')).toBe(true);
    expect(check('CustKey1234')).toBe(false);
    expect(check('custkey123')).toBe(false);
    expect(check('')).toBe(false);
    expect(check(undefined)).toBe(false);
  });

  it('is the default scheme of the adapter, keyed by the customerKey credential', () => {
    expect(OPENDENTAL_API_WEBHOOKS.defaultScheme).toBe(API_EVENTS_SCHEME);
    const definition = OPENDENTAL_API_SCHEMES[API_EVENTS_SCHEME];
    expect(definition.verifier).toBeInstanceOf(OpenDentalApiEventsVerifier);
    expect(definition.secret).toEqual({ source: 'credential', field: 'customerKey' });
  });
});
