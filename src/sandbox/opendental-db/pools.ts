import { Faker, base, en, en_US } from '@faker-js/faker';

/**
 * Value pools for the synthetic OpenDental office: a dental group in the Portland, OR /
 * Vancouver, WA metro, with US names (faker en_US plus the most common US surnames),
 * real city/ZIP/area-code combinations, real dental payer IDs, and OpenDental-style
 * procedure abbreviations and appointment patterns (one character = 5 minutes).
 *
 * Faker is only used here, once, with a fixed seed: the row generators then pick from
 * these arrays with their own Prng streams, which keeps them fast and order-independent.
 */

/** A city the office's patients live in: state, ZIP codes and phone area codes. */
export interface CityInfo {
  city: string;
  state: string;
  zips: string[];
  areaCodes: string[];
}

/** Cities of the Portland/Vancouver metro with real ZIP codes and area codes. */
export const METRO_CITIES: CityInfo[] = [
  { city: 'Portland', state: 'OR', zips: ['97201', '97202', '97206', '97209', '97211', '97212', '97214', '97217', '97219', '97229', '97230', '97232', '97236'], areaCodes: ['503', '971'] },
  { city: 'Beaverton', state: 'OR', zips: ['97005', '97006', '97007', '97008'], areaCodes: ['503', '971'] },
  { city: 'Hillsboro', state: 'OR', zips: ['97123', '97124'], areaCodes: ['503', '971'] },
  { city: 'Tigard', state: 'OR', zips: ['97223', '97224'], areaCodes: ['503'] },
  { city: 'Lake Oswego', state: 'OR', zips: ['97034', '97035'], areaCodes: ['503'] },
  { city: 'Gresham', state: 'OR', zips: ['97030', '97080'], areaCodes: ['503', '971'] },
  { city: 'Milwaukie', state: 'OR', zips: ['97222', '97267'], areaCodes: ['503'] },
  { city: 'Tualatin', state: 'OR', zips: ['97062'], areaCodes: ['503'] },
  { city: 'Oregon City', state: 'OR', zips: ['97045'], areaCodes: ['503'] },
  { city: 'Happy Valley', state: 'OR', zips: ['97086'], areaCodes: ['503', '971'] },
  { city: 'Wilsonville', state: 'OR', zips: ['97070'], areaCodes: ['503'] },
  { city: 'Vancouver', state: 'WA', zips: ['98660', '98661', '98662', '98664', '98682', '98683', '98684', '98685'], areaCodes: ['360'] },
  { city: 'Camas', state: 'WA', zips: ['98607'], areaCodes: ['360'] },
  { city: 'Battle Ground', state: 'WA', zips: ['98604'], areaCodes: ['360'] },
];

/** Relative weights of METRO_CITIES (Portland dominates, as it would). */
export const METRO_WEIGHTS = [30, 12, 8, 6, 4, 6, 4, 3, 3, 3, 2, 12, 3, 2];

/** The 50 most common US surnames (Census 2010), mixed with faker's list for duplicates. */
export const COMMON_LAST_NAMES = (
  'Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez ' +
  'Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris ' +
  'Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill ' +
  'Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts'
).split(' ');

/** Surnames that break naive code: apostrophes, accents, spaces, hyphens, 4-byte UTF-8. */
export const EDGE_LAST_NAMES = [
  "O'Brien", "D'Angelo", "O'Connor", 'García', 'Nguyễn', 'Müller', 'Núñez', 'St. John',
  'Smith-Jones', 'De La Cruz', 'van der Berg', 'Łukasiewicz', 'Ó Súilleabháin', '𠮷田',
];

/** First names with accents, spaces and hyphens. */
export const EDGE_FIRST_NAMES = [
  'José', 'Zoë', 'Chloé', 'François', 'Renée', 'Björn', 'Siân', 'Đức', 'Mary Ann', 'Jean-Luc', 'Anaïs', 'Íñigo',
];

/** Address line 2 values (patient.Address2, ~15% of households). */
export const ADDRESS2_VALUES = ['Apt 4B', 'Apt 12', 'Unit 3', '#305', 'Suite 200', 'Apt. 7', 'Unit B', 'Bldg 2 Apt 118'];
/** Portland street prefixes (addresses there read '2250 SE Division St'). */
export const STREET_DIRECTIONS = ['NE', 'NW', 'SE', 'SW', 'N', 'S'];
/** Reserved example domains (RFC 2606), so no generated address can ever receive mail. */
export const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org'];
/** patient.Language values (ISO 639-2 codes; mostly empty as in most offices). */
export const LANGUAGES = ['', '', '', '', '', '', 'eng', 'spa', 'vie', 'rus', 'zho'];

/**
 * Dental carriers with EDI payer IDs (ElectID). The national carriers' IDs are their
 * published ones; regional IDs, addresses and phone numbers are illustrative only.
 */
export const CARRIERS: Array<{ name: string; electId: string; phone: string; city: string; state: string; zip: string; address: string }> = [
  { name: 'Delta Dental of Oregon', electId: 'CDOR1', phone: '(888)217-2365', city: 'Portland', state: 'OR', zip: '97208', address: 'PO Box 40384' },
  { name: 'MetLife', electId: '65978', phone: '(877)638-3379', city: 'Lexington', state: 'KY', zip: '40512', address: 'PO Box 981282' },
  { name: 'Cigna Dental', electId: '62308', phone: '(800)244-6224', city: 'Scranton', state: 'PA', zip: '18505', address: 'PO Box 188037' },
  { name: 'Aetna Dental', electId: '60054', phone: '(877)238-6200', city: 'Lexington', state: 'KY', zip: '40512', address: 'PO Box 14094' },
  { name: 'Guardian', electId: '64246', phone: '(800)541-7846', city: 'Appleton', state: 'WI', zip: '54912', address: 'PO Box 981573' },
  { name: 'United Concordia', electId: 'CX007', phone: '(800)332-0366', city: 'Harrisburg', state: 'PA', zip: '17106', address: 'PO Box 69421' },
  { name: 'Humana Dental', electId: '73288', phone: '(800)233-4013', city: 'Lexington', state: 'KY', zip: '40512', address: 'PO Box 14611' },
  { name: 'Principal Financial Group', electId: '61271', phone: '(800)247-4695', city: 'Des Moines', state: 'IA', zip: '50306', address: 'PO Box 9201' },
  { name: 'Ameritas', electId: '47009', phone: '(800)487-5553', city: 'Lincoln', state: 'NE', zip: '68501', address: 'PO Box 82520' },
  { name: 'Moda Health', electId: 'CDOR1', phone: '(888)217-2365', city: 'Portland', state: 'OR', zip: '97208', address: 'PO Box 40384' },
  { name: 'Regence BlueCross BlueShield of Oregon', electId: '00851', phone: '(888)675-6570', city: 'Salt Lake City', state: 'UT', zip: '84130', address: 'PO Box 30805' },
  { name: 'Oregon Health Plan (Medicaid)', electId: 'OHP01', phone: '(800)273-0557', city: 'Salem', state: 'OR', zip: '97301', address: '500 Summer St NE' },
];

/** Appointment templates: OpenDental ProcDescript, Pattern (5 min/char), hygiene flag. */
export const APPT_TEMPLATES: Array<{ proc: string; pattern: string; hyg: boolean; weight: number }> = [
  { proc: 'PerEx, Pro, 4BW, Fl, ', pattern: '//XXXXXX//', hyg: true, weight: 22 },
  { proc: 'PerEx, Pro, ', pattern: '/XXXXXX/', hyg: true, weight: 20 },
  { proc: 'CompEx, FMX, Pro, ', pattern: '//XXXXXXXX//', hyg: true, weight: 6 },
  { proc: 'PerMaint, ', pattern: '/XXXXXXXX/', hyg: true, weight: 6 },
  { proc: 'SRP UR, SRP UL, ', pattern: '/XXXXXXXXXX/', hyg: true, weight: 4 },
  { proc: '#14-MOD-C/B, ', pattern: '/XXXXXX/', hyg: false, weight: 10 },
  { proc: '#3-PFM, BU, ', pattern: '//XXXXXXXXXX//', hyg: false, weight: 6 },
  { proc: '#30-Seat, ', pattern: '/XXXX/', hyg: false, weight: 5 },
  { proc: 'LimEx, PA, ', pattern: '/XX/', hyg: false, weight: 8 },
  { proc: '#19-RCT, ', pattern: '/XXXXXXXXXXXX/', hyg: false, weight: 3 },
  { proc: '#1-Ext, #16-Ext, ', pattern: '/XXXX//', hyg: false, weight: 3 },
  { proc: '#8-Ven, #9-Ven, ', pattern: '//XXXXXXXXXXXX//', hyg: false, weight: 2 },
  { proc: 'Consult, ', pattern: '/XX/', hyg: false, weight: 5 },
];

/** Appointment notes as front desks type them: CRLF, quotes, backslashes, a tab. */
export const APPT_NOTES = [
  'Pt prefers morning appts.',
  'Pt is "very" anxious - offer nitrous.\r\nPremed required (amoxicillin 2g 1hr prior).',
  "Mom will bring child; pt's dad is guarantor.",
  'Call cell first.\r\nDo NOT leave voicemail at work.',
  'Ins verified - 100/80/50, $1,500 annual max, $50 deductible',
  'Running 10 min late per phone call',
  'Pano saved to C:\\OpenDentImages\\ by mistake, re-import.',
  'Rx:\tIbuprofen 600mg q6h prn',
  'Wants to discuss whitening ("the strips didn\'t work")',
  'Latex allergy!!',
];

/** Document templates: Description, ImgType (Document 0, Radiograph 1, Photo 2, File 3), extension. */
export const DOC_TEMPLATES: Array<{ desc: string; imgType: number; ext: string; cat: number }> = [
  { desc: 'Pano', imgType: 1, ext: 'jpg', cat: 0 },
  { desc: 'FMX', imgType: 1, ext: 'jpg', cat: 0 },
  { desc: 'BWX', imgType: 1, ext: 'jpg', cat: 0 },
  { desc: 'Intraoral photo', imgType: 2, ext: 'jpg', cat: 1 },
  { desc: 'Consent form - treatment', imgType: 0, ext: 'pdf', cat: 2 },
  { desc: 'Insurance card front', imgType: 0, ext: 'jpg', cat: 3 },
  { desc: 'Health history', imgType: 0, ext: 'pdf', cat: 2 },
  { desc: 'Referral letter', imgType: 3, ext: 'docx', cat: 2 },
];

/** Pools built from a seeded faker instance, shared by all row generators of one run. */
export interface FakerPools {
  firstFemale: string[];
  firstMale: string[];
  middle: string[];
  last: string[];
  streets: string[];
  companies: string[];
  /** Out-of-area addresses (~2% of patients: students, snowbirds). */
  farAway: Array<{ city: string; state: string; zip: string }>;
}

/** Builds the faker-based pools with faker seeded by `seed` (faker 9.9.0, en_US). */
export function buildFakerPools(seed: number): FakerPools {
  const f = new Faker({ locale: [en_US, en, base] });
  f.seed(seed);
  const d = f.definitions.person;
  const streets = new Set<string>();
  while (streets.size < 300) streets.add(f.location.street());
  const companies = Array.from({ length: 200 }, () => f.company.name().slice(0, 50));
  const farAway = Array.from({ length: 100 }, () => ({
    city: f.location.city(),
    state: f.location.state({ abbreviated: true }),
    zip: f.location.zipCode('#####'),
  }));
  return {
    firstFemale: [...(d.first_name?.female ?? [])],
    firstMale: [...(d.first_name?.male ?? [])],
    middle: [...(d.middle_name?.generic ?? d.first_name?.generic ?? [])],
    last: [...(d.last_name?.generic ?? []), ...COMMON_LAST_NAMES, ...COMMON_LAST_NAMES],
    streets: [...streets],
    companies,
    farAway,
  };
}
