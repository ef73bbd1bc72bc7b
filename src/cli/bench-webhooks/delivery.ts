import { createHmac, randomUUID } from 'node:crypto';

/** One delivery as a sender puts it on the wire: Standard Webhooks headers and the raw JSON body. */
export interface SignedDelivery {
  id: string;
  headers: Record<string, string>;
  body: Buffer;
}

const FIRST = ['Ava', 'Noah', 'Mia', 'Liam', 'Zoe', 'Ethan', 'Ivy', 'Lucas'];
const LAST = ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Alvarez', 'Brennan', 'Haddad', 'Kowalski'];

/**
 * A `patient.updated` event shaped like an OpenDental API Events payload (a patient row plus its
 * next appointment), about 1.5 KB of JSON; `seq` varies the values so no two bodies are equal.
 */
export function eventBody(seq: number): Buffer {
  const patNum = 100_000 + seq;
  const event = {
    type: 'patient.updated',
    timestamp: new Date().toISOString(),
    data: {
      PatNum: patNum, LName: LAST[seq % LAST.length], FName: FIRST[seq % FIRST.length], MiddleI: 'J', Preferred: '',
      PatStatus: 'Patient', Gender: seq % 2 ? 'Female' : 'Male', Position: 'Married', Birthdate: `19${50 + (seq % 50)}-0${1 + (seq % 9)}-1${seq % 10}`,
      SSN: '', Address: `${100 + (seq % 900)} Harbor View Road`, Address2: 'Suite 210', City: 'Portland', State: 'OR', Zip: '97205',
      HmPhone: '(503)555-0142', WkPhone: '', WirelessPhone: '(503)555-0199', Email: `patient${patNum}@example.org`,
      TxtMsgOk: 'Yes', ChartNumber: `C-${patNum}`, PriProv: 1 + (seq % 4), SecProv: 0, FeeSched: 0, BillingType: 'Standard Account',
      DateFirstVisit: '2019-04-23', ClinicNum: 2, Guarantor: patNum, Premed: false, PreferConfirmMethod: 'TextMessage',
      PreferContactMethod: 'TextMessage', PreferRecallMethod: 'Email', Language: 'en', EmployerNum: 0, AskToArriveEarly: 10,
      MedUrgNote: '', PatNote: 'Prefers morning appointments; sensitive to cold on lower left molars.',
      EstBalance: (seq % 5000) / 10, BalTotal: (seq % 7000) / 10, InsEst: 0, HasIns: 'I', DateTStamp: new Date().toISOString(),
      nextAppointment: {
        AptNum: 500_000 + seq, AptStatus: 'Scheduled', Pattern: '//XXXX//', Confirmed: 'Unconfirmed', Op: 3, ProvNum: 1 + (seq % 4),
        AptDateTime: '2026-03-14 09:30:00', ProcDescript: 'PerEx, 4BW, Pro, Fl', Note: 'Patient asked for a reminder text the day before.',
        IsNewPatient: false, ClinicNum: 2, DateTStamp: new Date().toISOString(),
      },
      insurance: [{ PlanNum: 71, CarrierName: 'Delta Dental of Oregon', GroupNum: 'G-4471-B', SubscriberID: `DD${patNum}`, Ordinal: 1, Relationship: 'Self' }],
    },
  };
  return Buffer.from(JSON.stringify(event));
}

/** The Standard Webhooks signing key: the base64 part of a `whsec_` secret, decoded. */
export function standardWebhooksKeyOf(secret: string): Buffer {
  return Buffer.from(secret.slice('whsec_'.length), 'base64');
}

/**
 * Signs like a Standard Webhooks sender (spec/standard-webhooks.md): `v1,<base64 HMAC-SHA256>` over
 * `{id}.{timestamp}.{body}`, timestamp in Unix seconds now, a fresh `msg_<uuid>` id per call.
 */
export function signedDelivery(key: Buffer, seq: number): SignedDelivery {
  const id = `msg_${randomUUID()}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const body = eventBody(seq);
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return {
    id,
    body,
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` },
  };
}
