/*
 * What a reader triages a report by, shared by the Markdown and HTML renderings: per claim family
 * the verdict counts and worst error, the findings ordered by the size of their error, and the
 * hunt's worst configs. Errors are signed and in units of the claim's scale, so a prediction near 0
 * never turns into a meaningless ratio.
 */
import type { VerifiedResult } from '../claims/expected.ts';
import type { Verdict } from '../stats/verdict.ts';
import { replayCommand, type ClaimSummary, type HuntRecord, type Report } from './model.ts';

/** (measured - predicted) / scale: positive where the formula under-predicts. */
export const signedError = (r: Pick<VerifiedResult, 'measured' | 'predicted' | 'scale'>) =>
  (r.measured - r.predicted) / r.scale;

/** Which way a signed error points, in words. */
export const direction = (error: number) =>
  error > 0 ? 'measured above the prediction' : error < 0 ? 'measured below the prediction' : 'no gap';

/** A claim's family: the component that carries it (model.preln, sha, ...). */
export const familyOf = (s: Pick<ClaimSummary, 'component'>) => s.component;

export const groupKey = (r: { claim: string; regime: string }) => `${r.claim}\u0000${r.regime}`;

/** The worst error a family shows: the hunt's worst found config where it searched, else the draws'. */
export interface WorstError {
  claim: string;
  regime: string;
  error: number;
  errorStderr: number;
  config: Record<string, number>;
  replay: string;
  source: 'hunt' | 'draws';
}

export interface FamilyRow {
  family: string;
  /** claim/regime pairs */
  pairs: number;
  counts: Record<Verdict, number>;
  unexpected: number;
  worst: WorstError;
}

export interface Finding {
  summary: ClaimSummary;
  /** the signed error of the worst config (largest |error|) */
  error: number;
  /** smallest and largest signed error over the pair's configs */
  range: [number, number];
  results: VerifiedResult[];
}

/** Results per claim/regime pair, in report order. */
export function resultsByPair(report: Report): Map<string, VerifiedResult[]> {
  const groups = new Map<string, VerifiedResult[]>();
  for (const r of report.results) groups.set(groupKey(r), [...(groups.get(groupKey(r)) ?? []), r]);
  return groups;
}

const byMagnitude = (a: { error: number }, b: { error: number }) => Math.abs(b.error) - Math.abs(a.error);

/**
 * The hunt records of a report, confirmed findings first, then by |error|; none where the run did not
 * hunt (older reports, runs without --hunt).
 */
export const huntRecords = (report: Report): HuntRecord[] =>
  Array.isArray(report.hunt)
    ? [...report.hunt].sort((a, b) => Number(b.finding) - Number(a.finding) || byMagnitude(a.worst, b.worst))
    : [];

function drawnWorst(s: ClaimSummary, report: Report): WorstError {
  const w = s.worst;
  return {
    claim: s.claim,
    regime: s.regime,
    error: signedError(w),
    errorStderr: w.stderr / w.scale,
    config: w.config,
    replay: replayCommand(w, report.run),
    source: 'draws',
  };
}

const huntWorst = (h: HuntRecord): WorstError => ({
  claim: h.claim,
  regime: h.regime,
  error: h.worst.error,
  errorStderr: h.worst.errorStderr,
  config: h.worst.config,
  replay: h.replay,
  source: 'hunt',
});

/**
 * One row per claim family: verdict counts and the worst error. Families with unexpected verdicts
 * come first, then the largest worst errors.
 */
export function familyRows(report: Report): FamilyRow[] {
  const familyOfClaim = new Map(report.claims.map((s) => [s.claim, familyOf(s)]));
  const hunted = new Map<string, HuntRecord[]>();
  for (const h of huntRecords(report)) {
    const family = familyOfClaim.get(h.claim);
    if (family) hunted.set(family, [...(hunted.get(family) ?? []), h]);
  }
  const rows = new Map<string, FamilyRow>();
  for (const s of report.claims) {
    const family = familyOf(s);
    const row = rows.get(family) ?? {
      family,
      pairs: 0,
      counts: { holds: 0, deviates: 0, inconclusive: 0 },
      unexpected: 0,
      worst: drawnWorst(s, report),
    };
    row.pairs++;
    for (const v of Object.keys(row.counts) as Verdict[]) row.counts[v] += s.counts[v];
    row.unexpected += s.unexpected;
    const drawn = drawnWorst(s, report);
    if (!hunted.has(family) && Math.abs(drawn.error) > Math.abs(row.worst.error)) row.worst = drawn;
    rows.set(family, row);
  }
  for (const [family, records] of hunted) {
    const row = rows.get(family);
    if (row)
      row.worst = huntWorst(
        records.reduce((a, b) => (Math.abs(b.worst.error) > Math.abs(a.worst.error) ? b : a)),
      );
  }
  return [...rows.values()].sort((a, b) => b.unexpected - a.unexpected || byMagnitude(a.worst, b.worst));
}

/**
 * Claim/regime pairs a reader must look at: those that deviate somewhere or hold an unexpected
 * verdict. Unexpected first, then by the size of the worst error in units of scale.
 */
export function findings(report: Report): Finding[] {
  const pairs = resultsByPair(report);
  return report.claims
    .filter((s) => s.counts.deviates > 0 || s.unexpected > 0)
    .map((summary) => {
      const results = pairs.get(groupKey(summary)) ?? [summary.worst];
      return { summary, error: signedError(summary.worst), range: errorRange(results), results };
    })
    .sort((a, b) => Number(b.summary.unexpected > 0) - Number(a.summary.unexpected > 0) || byMagnitude(a, b));
}

/** Signed error range of one pair's configs. */
export function errorRange(results: readonly VerifiedResult[]): [number, number] {
  const errors = results.map(signedError);
  return [Math.min(...errors), Math.max(...errors)];
}

/**
 * Whether measured/predicted means something for this result: only where the prediction is not
 * small against the scale (a mean of 0, a covariance near 0 make the ratio noise).
 */
export const ratioMeaningful = (r: Pick<VerifiedResult, 'predicted' | 'scale'>) =>
  Math.abs(r.predicted) >= 0.1 * r.scale;
