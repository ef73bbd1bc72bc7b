import { performance } from 'node:perf_hooks';
import { assignAutoLinks, matchFeatures, MatchFeatures, scoreCandidates, THRESHOLDS } from '../modules/persons/matching';
import { HAS_EMAIL, HAS_SSN, population, SHARED_PHONE, TWIN_HOUSEHOLDS, JUNIOR_HOUSEHOLDS } from './bench-crosswalk/population';
import { Rng, seededRandom } from './bench-crosswalk/rng';
import { ERROR_RATES, sourceCopy } from './bench-crosswalk/sources';

/* `npm run bench:crosswalk [-- --people 100000 --seed 42]`: the person matcher on a labelled
 * synthetic set. `people` people (seeded, deterministic) in households; 85 % are in source A,
 * 82 % of those also in source B, and the rest of B are people A lacks. Each copy carries its own
 * errors (ERROR_RATES, docs/benchmarks.md). Matches A × B with the production matcher (features,
 * blocking, scoring, one-to-one assignment) and prints precision and recall at the auto-link
 * threshold, the review band and the time to match. Targets: precision ≥ 0.995, recall ≥ 0.95,
 * under 60 s. In-process, no database; asserts nothing. */

const out = (line = '') => process.stdout.write(`${line}\n`);
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};

function main(): void {
  const count = Number(arg('people', '100000'));
  const seed = Number(arg('seed', '42'));
  const rng = new Rng(seededRandom(seed));
  const t0 = performance.now();
  const people = population(count, rng, seed);
  const truthOf = new Map<string, number>();
  const sourceA: Array<[string, ReturnType<typeof sourceCopy>]> = [];
  const sourceB: Array<[string, ReturnType<typeof sourceCopy>]> = [];
  let inBoth = 0;
  for (const p of people) {
    const inA = rng.chance(0.85);
    const inB = inA ? rng.chance(0.82) : true;
    if (inA) (sourceA.push([`a${p.id}`, sourceCopy(rng, p, false)]), truthOf.set(`a${p.id}`, p.id));
    if (inB) (sourceB.push([`b${p.id}`, sourceCopy(rng, p, true)]), truthOf.set(`b${p.id}`, p.id));
    if (inA && inB) inBoth++;
  }
  const generated = performance.now() - t0;

  const t1 = performance.now();
  const left: MatchFeatures[] = sourceA.map(([id, p]) => matchFeatures(id, p));
  const right: MatchFeatures[] = sourceB.map(([id, p]) => matchFeatures(id, p));
  const pairs = scoreCandidates(left, right, THRESHOLDS.review);
  const links = assignAutoLinks(pairs);
  const matchMs = performance.now() - t1;

  const correct = links.filter((l) => truthOf.get(l.left) === truthOf.get(l.right)).length;
  const linked = new Set(links.flatMap((l) => [l.left, l.right]));
  const review = pairs.filter((p) => p.decision === 'review' && !linked.has(p.left) && !linked.has(p.right));
  const reviewTrue = review.filter((p) => truthOf.get(p.left) === truthOf.get(p.right)).length;
  const guarded = pairs.filter((p) => p.guard).length;
  const precision = links.length ? correct / links.length : 1;
  const recall = inBoth ? correct / inBoth : 1;

  out(`bench:crosswalk — ${count.toLocaleString('en-US')} people, seed ${seed}`);
  out(`  source A ${sourceA.length.toLocaleString('en-US')} records, source B ${sourceB.length.toLocaleString('en-US')}, true pairs ${inBoth.toLocaleString('en-US')} (generated in ${(generated / 1000).toFixed(1)} s)`);
  out(`  households: shared phone ${SHARED_PHONE}, e-mail ${HAS_EMAIL}, SSN ${HAS_SSN}, twins in ${TWIN_HOUSEHOLDS} of 3+ households, juniors in ${JUNIOR_HOUSEHOLDS} of 2+`);
  out(`  error rates per copy: ${Object.entries(ERROR_RATES).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out(`  thresholds: auto-link ≥ ${THRESHOLDS.autoLink} bits, review ≥ ${THRESHOLDS.review} bits`);
  out(`  candidate pairs scored ≥ review: ${pairs.length.toLocaleString('en-US')}; held back by a guard: ${guarded.toLocaleString('en-US')}`);
  out(`  auto-links ${links.length.toLocaleString('en-US')}: correct ${correct.toLocaleString('en-US')}, wrong ${(links.length - correct).toLocaleString('en-US')}`);
  out(`  precision ${precision.toFixed(4)} (target ≥ 0.995)  ${precision >= 0.995 ? 'ok' : 'MISSED'}`);
  out(`  recall    ${recall.toFixed(4)} (target ≥ 0.95)   ${recall >= 0.95 ? 'ok' : 'MISSED'}`);
  out(`  review band: ${review.length.toLocaleString('en-US')} pairs (of them true matches ${reviewTrue.toLocaleString('en-US')})`);
  out(`  time to match: ${(matchMs / 1000).toFixed(2)} s (target < 60 s)  ${matchMs < 60_000 ? 'ok' : 'MISSED'}`);
}

main();
