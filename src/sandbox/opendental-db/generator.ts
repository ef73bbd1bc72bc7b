import { appointmentRows, deletedObjectRows, histAppointmentRows, isDeletedAppointment, nonAppointmentDeletions } from './appointments';
import { DAY, OfficeClock, defaultReferenceMs } from './office-time';
import { asciiFold, buildSkeleton, patientRows, type PatientSkeleton } from './patients';
import { DOC_TEMPLATES, buildFakerPools, type FakerPools } from './pools';
import { Prng, hashString } from './prng';
import { DEF_CAT, buildReferenceData, type ReferenceData } from './reference-data';
import { toDate, toDateTime, type Row } from './row-format';
import { OPENDENTAL_SANDBOX_TABLES } from './schema.generated';

/** Default seed of the synthetic office. */
export const DEFAULT_SANDBOX_SEED = 20254;

/** Options of the synthetic OpenDental office. */
export interface GeneratorOptions {
  /** Number of patients (>= 1). */
  patients: number;
  /** Seed of faker and of every Prng stream; default DEFAULT_SANDBOX_SEED. */
  seed?: number;
  /** Appointments generated per patient on average (deleted ones included); default 3. */
  appointmentsPerPatient?: number;
  /**
   * Day the data is relative to (truncated to UTC midnight); default today. Same seed +
   * same reference day = identical rows. All explicit stamps fall before 19:00 the day before.
   */
  referenceTime?: Date | string | number;
}

/**
 * Seeded, deterministic synthetic data for an OpenDental 25.4 office (tables and enums
 * per OpenDentalDocumentation25-4.xml). Rows are produced lazily per table, so 200,000
 * patients never sit in memory at once; every table has its own random stream, so the
 * tables can be produced in any order with identical results.
 */
export class OpenDentalGenerator {
  readonly seed: number;
  readonly patients: number;
  readonly appointmentTotal: number;
  readonly clock: OfficeClock;
  readonly pools: FakerPools;
  readonly ref: ReferenceData;
  readonly skeleton: PatientSkeleton;
  private deleted?: Row[];

  /** @throws RangeError when patients < 1 or appointmentsPerPatient < 0. */
  constructor(opts: GeneratorOptions) {
    if (!Number.isInteger(opts.patients) || opts.patients < 1) throw new RangeError(`patients must be an integer >= 1, got ${opts.patients}`);
    const perPatient = opts.appointmentsPerPatient ?? 3;
    if (!(perPatient >= 0)) throw new RangeError(`appointmentsPerPatient must be >= 0, got ${perPatient}`);
    this.seed = opts.seed ?? DEFAULT_SANDBOX_SEED;
    this.patients = opts.patients;
    this.appointmentTotal = Math.round(opts.patients * perPatient);
    const ref = opts.referenceTime === undefined ? defaultReferenceMs() : new Date(opts.referenceTime).getTime();
    if (Number.isNaN(ref)) throw new RangeError(`Invalid referenceTime ${String(opts.referenceTime)}`);
    this.clock = new OfficeClock(ref);
    this.pools = buildFakerPools(this.seed);
    this.ref = buildReferenceData(this.seed, this.patients, this.clock, this.pools);
    this.skeleton = buildSkeleton(this.seed, this.patients, this.ref);
  }

  /** 'yyyy-MM-dd' of the reference day. */
  get referenceDate(): string {
    return toDate(this.clock.referenceMs);
  }

  /** Row factories for every sandbox table, keyed by table name. */
  tables(): Record<string, () => Iterable<Row>> {
    const { seed, appointmentTotal: total, skeleton: sk, ref, clock } = this;
    const out: Record<string, () => Iterable<Row>> = {
      ...Object.fromEntries(Object.entries(ref.rows).map(([t, rows]) => [t, () => rows])),
      patient: () => patientRows(seed, sk, this.pools, clock, ref),
      inssub: () => this.insuranceRows('inssub'),
      patplan: () => this.insuranceRows('patplan'),
      appointment: () => appointmentRows(seed, total, sk, ref, clock),
      histappointment: () => histAppointmentRows(seed, total, sk, ref, clock),
      deletedobject: () => (this.deleted ??= deletedObjectRows(seed, total, sk, ref, clock)),
      document: () => this.documentRows(),
    };
    for (const t of OPENDENTAL_SANDBOX_TABLES) if (!out[t]) throw new Error(`No generator for table ${t}`);
    return out;
  }

  /**
   * Rows each table will hold, without generating them (for progress reporting). Exact
   * except patplan, an upper bound (a few adult children are left off their parents' plan).
   */
  expectedCounts(): Record<string, number> {
    const sk = this.skeleton;
    let deleted = 0;
    for (let k = 0; k < this.appointmentTotal; k++) if (isDeletedAppointment(k)) deleted++;
    let subs = 0;
    let patPlans = 0;
    for (let f = 0; f < sk.familyStart.length; f++) {
      const plans = (sk.plan1[f] ? 1 : 0) + (sk.plan2[f] ? 1 : 0);
      subs += plans;
      patPlans += plans * sk.familySize[f];
    }
    return {
      ...Object.fromEntries(Object.entries(this.ref.rows).map(([t, rows]) => [t, rows.length])),
      patient: this.patients, inssub: subs, patplan: patPlans, appointment: this.appointmentTotal - deleted,
      histappointment: deleted, deletedobject: deleted + 2 * nonAppointmentDeletions(this.patients),
      document: Math.round(this.patients / 2),
    };
  }

  /**
   * inssub (one per subscriber: the head on the family plan, the spouse on a secondary
   * plan) or patplan rows (one per insured member and plan; Ordinal 1 = primary;
   * Relationship Self 0 / Spouse 1 / Child 2). Both passes number InsSubNum identically.
   */
  *insuranceRows(table: 'inssub' | 'patplan'): Generator<Row> {
    const sk = this.skeleton;
    const stream = hashString('insurance');
    let subNum = 0;
    let patPlanNum = 0;
    for (let f = 0; f < sk.familyStart.length; f++) {
      if (!sk.plan1[f]) continue;
      const rng = new Prng(this.seed, stream, f);
      const head = sk.familyStart[f];
      const plans = sk.plan2[f] ? [sk.plan1[f], sk.plan2[f]] : [sk.plan1[f]];
      const subs: Row[] = [];
      const patPlans: Row[] = [];
      plans.forEach((planNum, ordinal) => {
        subNum++;
        const effectiveMs = this.clock.historyStartMs - rng.int(0, 2000) * DAY;
        const editMs = this.clock.stamp(rng, this.clock.historyStartMs);
        const id = rng.chance(0.4) ? `W${rng.digits(9)}` : rng.chance(0.5) ? rng.digits(9) : `${String.fromCharCode(65 + rng.int(0, 25))}${rng.digits(8)}01`;
        subs.push({
          InsSubNum: subNum, PlanNum: planNum, Subscriber: head + ordinal + 1, // the spouse is always member 1
          DateEffective: toDate(effectiveMs), DateTerm: rng.chance(0.05) ? toDate(editMs) : '0001-01-01',
          ReleaseInfo: 1, AssignBen: rng.chance(0.9) ? 1 : 0, SubscriberID: id,
          SubscNote: rng.chance(0.05) ? 'Verify eligibility each visit.' : '', SecUserNumEntry: rng.int(1, 6),
          SecDateEntry: toDate(Math.min(effectiveMs, editMs)), SecDateTEdit: toDateTime(editMs),
        });
        for (let m = 0; m < sk.familySize[f]; m++) {
          if (m > 1 && !rng.chance(0.95)) continue; // an adult child dropped off the plan
          const spouse = sk.hasSpouse[f] === 1 && m <= 1;
          patPlans.push({
            PatPlanNum: ++patPlanNum, PatNum: head + m + 1, Ordinal: ordinal + 1, IsPending: rng.chance(0.01) ? 1 : 0,
            Relationship: m === ordinal ? 0 : spouse ? 1 : 2, InsSubNum: subNum,
            SecDateTEntry: toDateTime(Math.min(effectiveMs + DAY, editMs)), SecDateTEdit: toDateTime(editMs),
          });
        }
      });
      yield* table === 'inssub' ? subs : patPlans;
    }
  }

  /** document rows (metadata only, RawBase64 empty): about one per two patients. */
  *documentRows(): Generator<Row> {
    const sk = this.skeleton;
    const cats = this.ref.defs.get(DEF_CAT.ImageCats) ?? new Map<string, number>();
    const catNums = ['X-Rays', 'Photos', 'Forms', 'Insurance Cards'].map((n) => cats.get(n) ?? 0);
    const stream = hashString('document');
    const count = Math.round(this.patients / 2);
    for (let d = 0; d < count; d++) {
      const rng = new Prng(this.seed, stream, d);
      const p = rng.int(0, sk.count - 1);
      const tpl = rng.pick(DOC_TEMPLATES);
      const createdMs = this.clock.stamp(rng, this.clock.historyStartMs);
      yield {
        DocNum: d + 1, Description: tpl.desc, DateCreated: toDateTime(createdMs), DocCategory: catNums[tpl.cat], PatNum: p + 1,
        FileName: `${asciiFold(tpl.desc)}${d + 1}.${tpl.ext}`, ImgType: tpl.imgType,
        ToothNumbers: tpl.desc === 'BWX' ? '2,3,14,15,18,19,30,31' : '',
        Note: rng.chance(0.05) ? 'Signed on tablet at front desk.' : '', ProvNum: tpl.imgType === 1 ? sk.priProvOf[p] : 0,
        DateTStamp: toDateTime(this.clock.stamp(rng, createdMs, createdMs + 2 * DAY)), RawBase64: '', Thumbnail: '',
        UserNum: rng.int(1, 6),
      };
    }
  }
}
