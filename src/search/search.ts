import { centre, corners, edges, screeningDesign, spaceFilling, toCube, type Point } from './design.ts';
import { uniformStream } from './random.ts';
import { mainEffects, type Driver } from './screen.ts';

/** One claim's error at one point, in units of the claim's scale. */
export interface Measurement {
  /** (measured - predicted) / scale, signed */
  error: number;
  errorStderr: number;
  /** what the claim's declared tolerance allows, tolerance * |predicted| / scale (0 for exact claims) */
  allowance: number;
  /** replicates the measurement used, where a cap made it fewer than asked */
  replicates?: number;
}

/**
 * What the search climbs: every claim of one component in one regime, measured together (one
 * simulation serves every claim of a component), at points of the unit cube of the regime's free
 * axes. Measurements at the same point pool their replicates: asking for more replicates at a
 * point simulates only the missing ones.
 */
export interface NoisyObjective<M extends Measurement = Measurement> {
  /** names of the cube's axes */
  keys: readonly string[];
  /** the claims each measurement returns, in order */
  claims: readonly string[];
  /** every claim at `point` from `replicates` replicates in all (the search's own seed) */
  measure(point: Point, replicates: number): Promise<M[]>;
  /** the same from a seed the search never used: independent of everything the search saw */
  confirm(point: Point, replicates: number): Promise<M[]>;
  /** the most replicates a confirmation at `point` may have (default: the options' maxReplicates) */
  confirmCap?(point: Point): number;
  /** simulations spent so far, in units of one measurement at the base replicate count */
  spent(): number;
}

export interface SearchOptions {
  /** simulations the search may spend before confirmation (units of `spent`) */
  evaluations: number;
  /** replicates of one cheap measurement */
  baseReplicates: number;
  /** where confirmation stops where the objective has no confirmCap */
  maxReplicates: number;
  /** the error (units of scale) beyond which a claim does not hold: the budget's precision */
  precision: number;
  /**
   * critical value of the confirmation's look at `replicates` replicates, its false-alarm share
   * spent over the looks of the doubling schedule from baseReplicates to `maxReplicates`
   */
  critical(replicates: number, maxReplicates: number): number;
  /** seeds the search's own choices (shifts, mutations), not the simulations */
  seed: string;
  /** keys whose joint corners are all visited (at least 4 where the regime has them) */
  cornerKeys?: number;
  /**
   * false leaves out the deterministic designs (steps 1 to 3: edges, screen, joint corners), so
   * the fill and the climb get their budget: an ablation, for the tests that show what the
   * designs find that the rest does not
   */
  designs?: boolean;
}

export interface Worst<M extends Measurement = Measurement> {
  point: Point;
  /** the confirmation: an independent measurement at `point` */
  confirmed: M;
  /** replicates the confirmation used */
  replicates: number;
  /** the most it could have used there */
  cap: number;
  /** the confirmed |error| exceeds precision plus tolerance by more than its critical value */
  finding: boolean;
}

export interface ClaimOutcome<M extends Measurement = Measurement> {
  claim: string;
  worst: Worst<M>;
  /** the screen's main effects, largest |effect| first (empty when the search never screened) */
  drivers: Driver[];
}

export interface SearchOutcome<M extends Measurement = Measurement> {
  claims: ClaimOutcome<M>[];
  /** simulations spent, confirmation included */
  evaluations: number;
}

/** How far a measurement is beyond what the claim allows. */
export const excess = (m: Measurement) =>
  Number.isFinite(m.error) ? Math.abs(m.error) - m.allowance : Infinity;

/**
 * What the search ranks points by: the excess less two standard errors, a lower confidence
 * bound. Noise differs by orders of magnitude across a regime (a variance over 256 tokens
 * correlated at 0.95 is far noisier than over 2 independent ones), and ranking by the raw
 * excess would chase the noisiest corners, where a lucky draw looks largest.
 */
export const score = (m: Measurement, k = 2) => excess(m) - k * m.errorStderr;

/**
 * The same bound four standard errors down, for choices that a single lucky measurement must not
 * steer: at 16 replicates a standard error from skewed replicates (a variance whose tokens all
 * share one weight draw is about chi-square with one degree of freedom per replicate) is often
 * several times too small, and such a point outranks a real fault at two standard errors.
 */
export const robustScore = (m: Measurement) => score(m, 4);

interface Visited {
  point: Point;
  replicates: number;
  measurements: Measurement[];
}

/** A point's identity in the ledger and in the hunt's maps: its coordinates to 6 decimals. */
export const pointKey = (p: Point) => p.map((v) => v.toFixed(6)).join(',');
const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** The measurements the search has made, pooled per point. */
class Ledger {
  private readonly visited = new Map<string, Visited>();
  constructor(private readonly objective: NoisyObjective) {}

  async measure(point: Point, replicates: number): Promise<Visited> {
    const key = pointKey(point);
    const known = this.visited.get(key);
    if (known && known.replicates >= replicates) return known;
    const visit = { point, replicates, measurements: await this.objective.measure(point, replicates) };
    this.visited.set(key, visit);
    return visit;
  }

  /** the point's pooled measurements as they stand now (a later look replaces the earlier record) */
  at(point: Point): Visited | undefined {
    return this.visited.get(pointKey(point));
  }

  /** the `count` visited points with the largest score (or `by`) for claim `c`, leaving out `except` */
  best(c: number, count: number, except?: ReadonlySet<Visited>, by = score): Visited[] {
    return [...this.visited.values()]
      .filter((v) => !except?.has(v))
      .sort((a, b) => by(b.measurements[c]) - by(a.measurements[c]))
      .slice(0, count);
  }
}

/**
 * The hunt for the worst config of every claim of one component and regime:
 *  1. the centre and every key at its low and high end (edges);
 *  2. a two-level screening design (design.ts: strength 3, so every triple of keys meets at
 *     all its joint corners), whose main effects rank the keys (drivers) and give directions;
 *  3. all 2^m joint corners of the m most influential keys (m >= 4 where the regime has 4),
 *     the remaining keys at the extreme the screen says is worse for the currently worst claim;
 *  4. a low-discrepancy fill of the interior (design.ts), so a fault away from every edge is seen;
 *  5. per claim, a compass search from its best point (compass: one key at a time by +-h, then
 *     all the keys that gained at once, h halved when nothing gains); then, round robin, a (1+1)
 *     evolution strategy climbing from the claim's best point: a
 *     Gaussian step of all keys at once, accepted only if it beats the incumbent beyond their
 *     point scored higher than the incumbent, and still higher once its replicates are doubled
 *     (noise alone rarely passes twice), the step size adapted to the success rate; chains whose
 *     step has shrunk away return their budget to more fill (step 4 continued) and climb again;
 *  6. per claim, successive halving over its n best points (n = 4 when an eighth of the budget
 *     allows, 8 when it allows 24 measurements, else 2), half of them the best at two standard
 *     errors down (score) and half at four (robustScore): all n re-measured at twice the
 *     replicates, the better half by robustScore kept and re-measured at twice again, down to one.
 *     The search's ranks come from cheap, noisy measurements, so its best point is often one that was only lucky; racing spends the
 *     replicates where they decide the choice, and a fault whose corner is noisy (few effective
 *     tokens) is told apart from noise before the confirmation;
 *  7. claims take one another's chosen points where the search cannot tell them from their own
 *     (sharePoints), then confirmation (below).
 * Every stage checks the budget, so a small one stops after the edges. Steps 1 to 3 run to the
 * budget; 4 and 5 stop at the race's reserve, and step 6 gets what is left.
 */
export async function searchWorst<M extends Measurement>(
  objective: NoisyObjective<M>,
  options: SearchOptions,
): Promise<SearchOutcome<M>> {
  const k = objective.keys.length;
  const claimCount = objective.claims.length;
  const ledger = new Ledger(objective);
  const base = options.baseReplicates;
  // an eighth of the budget, shared by the claims, goes to racing the best points (step 6); the
  // rest of the budget buys more climbing than a larger field would buy certainty
  const raceSize = raceSizeFor(options.evaluations / 8 / claimCount);
  const raceCost = claimCount * raceSize * Math.log2(raceSize);
  const left = () => options.evaluations - objective.spent();
  const visit = async (points: readonly Point[], reserve = 0) => {
    for (const point of points) {
      if (left() <= reserve) return;
      await ledger.measure(point, base);
    }
  };

  // the centre is measured whatever the budget, so every claim has a point to confirm
  await ledger.measure(centre(k), base);
  const designs = options.designs !== false;
  // the designs come first whatever the race's reserve: with many claims the reserve (two points
  // per claim) was most of the budget, and attention-block.causal's 20 claims over 13 keys never
  // finished the screen (no drivers, no joint corners) in the reference run of 2026-12-02
  if (designs) await visit(edges(k));
  const levels = designs ? screeningDesign(k) : [];
  const screened: Visited[] = [];
  for (const row of levels) {
    if (left() <= 0) break;
    screened.push(await ledger.measure(toCube(row), base));
  }
  const drivers = objective.claims.map((_, c) =>
    designs && screened.length === levels.length && k > 0
      ? mainEffects(
          objective.keys,
          levels,
          screened.map((v) => v.measurements[c].error),
          screened.map((v) => v.measurements[c].errorStderr),
        )
      : [],
  );

  if (drivers.every((d) => d.length > 0)) {
    const influence = objective.keys.map((key) =>
      Math.max(
        ...drivers
          .map((d) => d.find((x) => x.key === key)!)
          .map((x) => Math.abs(x.effect) - 2 * x.effectStderr),
      ),
    );
    const top = influence
      .map((v, i) => ({ v, i }))
      .sort((a, b) => b.v - a.v)
      .slice(0, Math.min(k, options.cornerKeys ?? 4))
      .map((x) => x.i);
    const worstClaim = argmax(objective.claims.map((_, c) => score(ledger.best(c, 1)[0].measurements[c])));
    const sign = Math.sign(ledger.best(worstClaim, 1)[0].measurements[worstClaim].error) || 1;
    const rest = objective.keys.map((key) =>
      sign * drivers[worstClaim].find((x) => x.key === key)!.effect > 0 ? 1 : 0,
    );
    await visit(corners(top, rest));
  }

  const random = uniformStream(`${options.seed}|search`);
  const shift = objective.keys.map(() => random());
  let filled = 0;
  const fill = async (count: number) => {
    await visit(spaceFilling(k, count, shift, filled), raceCost);
    filled += count;
  };
  await fill(Math.floor(Math.max(0, left() - raceCost) / 3));
  const more = () => left() > raceCost + 2;
  // chains that stall give their budget back to more fill, and climb again from the best points
  // not climbed from yet: a point that was only lucky once does not hold every restart
  for (let c = 0; c < claimCount && more(); c++) await compass(ledger, c, base, more);
  const started = objective.claims.map(() => new Set<Visited>());
  while (more()) {
    await climb(ledger, objective, random, options.baseReplicates, more, started);
    if (more()) await fill(Math.max(4, Math.floor((left() - raceCost) / 4)));
  }

  const chosen: Visited[] = [];
  for (let c = 0; c < claimCount; c++) chosen.push(await race(ledger, c, raceSize, base, left));
  const worst = await confirmAll(
    objective,
    sharePoints(ledger, chosen, options.precision).map((v) => v.point),
    options,
  );
  return {
    claims: objective.claims.map((claim, c) => ({ claim, worst: worst[c], drivers: drivers[c] })),
    evaluations: objective.spent(),
  };
}

/**
 * The end of step 6: a claim takes another claim's chosen point where the search cannot tell it
 * from its own, so one confirmation (and one validity map) serves both. A simulation measures every
 * claim of a component, so each claim's error is known at every chosen point, from the replicates
 * that point's race gave it; claim c moves to a point q where `indistinguishable` says so. Points
 * are offered in the order of how many claims chose them, so claims gather where most already
 * are. In the reference hunt of 2026-12-02, 456 claims were confirmed at 314 distinct points
 * (attention-block.causal's 20 claims at 14 of them, 11 with validity maps), many of them the same
 * quantity at another position, whose races ended on different points by noise: confirmations
 * and maps were half the hunt's simulations. A claim that is alone in its task (every planted-fault trial) keeps its point.
 */
function sharePoints(ledger: Ledger, chosen: readonly Visited[], precision: number): Visited[] {
  const current = chosen.map((v) => ledger.at(v.point) ?? v);
  const tally = new Map<string, { visited: Visited; claims: number; first: number }>();
  current.forEach((v, c) => {
    const entry = tally.get(pointKey(v.point));
    if (entry) entry.claims++;
    else tally.set(pointKey(v.point), { visited: v, claims: 1, first: c });
  });
  const offered = [...tally.values()]
    .sort((a, b) => b.claims - a.claims || a.first - b.first)
    .map((entry) => entry.visited);
  return current.map(
    (own, c) =>
      offered.find(
        (q) => q === own || indistinguishable(q.measurements[c], own.measurements[c], precision),
      ) ?? own,
  );
}

/**
 * Whether a claim measured `there` is as bad as at its own point, as far as the search can tell:
 * its excess there within two standard errors of the difference of its excess at its own point,
 * measured no more than twice as noisily (a point where the claim is as large but far noisier
 * would leave its confirmation undecided: without this, a hunt of attention-block.causal moved a
 * finding of error 1967 to a point where it was confirmed at -28 +- 30), and on the same side of
 * the precision (a point that looks like a finding stays one).
 */
function indistinguishable(there: Measurement, own: Measurement, precision: number): boolean {
  const [a, b] = [excess(there), excess(own)];
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return (
    a >= b - 2 * Math.hypot(there.errorStderr, own.errorStderr) &&
    there.errorStderr <= 2 * own.errorStderr &&
    a > precision === b > precision
  );
}

const argmax = (values: readonly number[]) => values.reduce((best, v, i) => (v > values[best] ? i : best), 0);

/** Standard normal draw by Box-Muller from the search's uniform stream. */
const gaussian = (random: () => number) =>
  Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

/** Step 5 of searchWorst: one (1+1)-ES chain per claim, run round robin while `more()` allows, from points not in `started`. */
async function climb(
  ledger: Ledger,
  objective: NoisyObjective,
  random: () => number,
  base: number,
  more: () => boolean,
  started: Set<Visited>[],
) {
  const chains = objective.claims.map((_, c) => ({
    c,
    at: ledger.best(c, 1, started[c])[0] ?? ledger.best(c, 1)[0],
    step: 0.2,
  }));
  chains.forEach((chain) => started[chain.c].add(chain.at));
  const beats = (a: Measurement, b: Measurement) => score(a) > score(b);
  let active = chains.filter((chain) => chain.at);
  while (active.length > 0 && more()) {
    for (const chain of active) {
      if (!more()) return;
      const trial = chain.at.point.map((v) => clamp01(v + chain.step * gaussian(random)));
      const first = await ledger.measure(trial, base);
      let accepted = beats(first.measurements[chain.c], chain.at.measurements[chain.c]);
      if (accepted && more()) {
        const again = await ledger.measure(trial, 2 * base);
        accepted = beats(again.measurements[chain.c], chain.at.measurements[chain.c]);
        if (accepted) chain.at = again;
      }
      // 1.5 up, 0.85 down: the step holds still at a success rate of about 2/7
      chain.step = accepted ? Math.min(0.5, chain.step * 1.5) : chain.step * 0.85;
    }
    active = active.filter((chain) => chain.step > 0.02);
  }
}

/**
 * Confirmation. The point the search reports is the one whose measured error was largest among
 * many noisy ones, so that measurement is biased upward (the winner's curse: selecting on the
 * noise selects large noise). The confirmation re-measures the chosen point from a seed the
 * search never used, so its draws are independent of everything that led to the choice; given
 * the point, the confirmed value is an unbiased estimate of the claim's error there, and only it
 * is reported. The sequential test on those fresh draws keeps its error rates too: how many
 * replicates each look takes depends only on the confirmation's own earlier looks (and the
 * point), never on the search's draws. It starts at the base count and doubles (replicates are
 * pooled, so a look costs only the new ones and every look of the doubling schedule is already
 * paid for in the critical value), until the interval error +- critical*stderr lies wholly
 * beyond precision plus tolerance (a finding) or wholly within it, or (FUTILITY_FROM) its
 * estimate lies a standard error inside it, or the replicates reach the confirmation's cap
 * (objective.confirmCap: the budget's confirmReplicates, scaled for large samples). The critical
 * value spends the comparison's false-alarm share over the doubling schedule from base to that
 * cap (Pocock-type, stats/spending.ts), so the union bound over the looks stays within the share.
 * Claims whose worst points coincide share one confirmation, as they share one simulation.
 */
async function confirmAll<M extends Measurement>(
  objective: NoisyObjective<M>,
  points: readonly Point[],
  options: SearchOptions,
): Promise<Worst<M>[]> {
  const done = new Map<string, { measurements: M[]; replicates: number; cap: number }>();
  const worst: Worst<M>[] = [];
  for (const [c, point] of points.entries()) {
    const key = pointKey(point);
    let confirmation = done.get(key);
    if (!confirmation) {
      const sharing = points.flatMap((p, i) => (pointKey(p) === key ? [i] : []));
      confirmation = await confirmAt(objective, point, sharing, options);
      done.set(key, confirmation);
    }
    const m = confirmation.measurements[c];
    const z = options.critical(confirmation.replicates, confirmation.cap);
    worst.push({
      point,
      confirmed: m,
      replicates: confirmation.replicates,
      cap: confirmation.cap,
      finding: excess(m) - options.precision > z * m.errorStderr,
    });
  }
  return worst;
}

async function confirmAt<M extends Measurement>(
  objective: NoisyObjective<M>,
  point: Point,
  claims: readonly number[],
  options: SearchOptions,
) {
  const cap = Math.max(2, objective.confirmCap?.(point) ?? options.maxReplicates);
  for (let asked = Math.min(options.baseReplicates, cap); ; asked = Math.min(2 * asked, cap)) {
    const measurements = await objective.confirm(point, asked);
    const replicates = Math.min(measurements[claims[0]].replicates ?? asked, cap);
    const z = options.critical(replicates, cap);
    const settled = claims.every((c) => {
      const beyond = excess(measurements[c]) - options.precision;
      const stderr = measurements[c].errorStderr;
      if (!Number.isFinite(beyond) || Math.abs(beyond) > z * stderr) return true;
      return replicates >= FUTILITY_FROM * options.baseReplicates && beyond < -stderr;
    });
    if (settled || replicates >= cap) return { measurements, replicates, cap };
  }
}

/**
 * Futility: a claim whose confirmed excess sits more than one standard error below precision
 * stops asking for replicates from the look at FUTILITY_FROM x base on (the claims sharing its
 * point may go on). Without it, a worst config whose error is just inside precision (the search
 * climbs to exactly such configs: |error| 0.0187 against 0.02) takes the confirmation to its
 * cap: in the reference run of 2026-12-02 these were most of the hunt's simulations. The stop is
 * non-binding: it can only end a confirmation without a finding, so the false-alarm rate stays
 * what the critical values spend. What it costs is power against an error within a few
 * standard errors of precision: one whose true excess is d standard errors beyond precision
 * stops at a look with probability Phi(-1 - d), and a finding needs d past the critical value
 * (4 to 6). From 4 x base on, as a standard error from 16 skewed replicates can be several times
 * too small (robustScore).
 */
const FUTILITY_FROM = 4;

/**
 * Step 5 of searchWorst, first part: a compass (pattern) search for claim `c` from its best point.
 * Each poll moves one key at a time by +-h (the other direction only where the first did not
 * score higher), then tries the combined move of every key whose poll scored higher: on a smooth
 * error, a step along the sign of the gradient in all the keys that matter at once. The best of
 * these becomes the centre if it still scores higher at twice the replicates; a poll with no gain
 * halves h, down to 0.04 of the cube. Deterministic
 * and cheap where noise is small next to the error's slope (a bump away from every edge, which the
 * isotropic steps of the evolution strategy below reach slowly in 8 keys).
 */
async function compass(ledger: Ledger, c: number, base: number, more: () => boolean) {
  let at = ledger.best(c, 1, undefined, robustScore)[0];
  const better = (v: Visited, than: Visited) =>
    robustScore(v.measurements[c]) > robustScore(than.measurements[c]);
  for (let h = 0.15; h >= 0.04 && more();) {
    const moves = at.point.map(() => 0);
    let best = at;
    for (let j = 0; j < at.point.length && more(); j++) {
      for (const dir of [1, -1]) {
        const moved = clamp01(at.point[j] + dir * h);
        if (moved === at.point[j] || !more()) continue;
        const poll = await ledger.measure(
          at.point.map((v, i) => (i === j ? moved : v)),
          base,
        );
        if (better(poll, at)) {
          moves[j] = moved - at.point[j];
          if (better(poll, best)) best = poll;
          break;
        }
      }
    }
    if (moves.filter((m) => m !== 0).length > 1 && more()) {
      const combined = await ledger.measure(
        at.point.map((v, i) => clamp01(v + moves[i])),
        base,
      );
      if (better(combined, best)) best = combined;
    }
    // as in the climb below: a move must still score higher at twice the replicates, so a point
    // that was only lucky once (a heavy-tailed corner whose 16 replicates understate its noise)
    // does not become the centre that every later poll surrounds
    if (best !== at && more()) {
      const again = await ledger.measure(best.point, 2 * base);
      best = better(again, at) ? again : at;
    }
    if (best === at) h /= 2;
    at = best;
  }
}

const raceSizeFor = (units: number) => (units >= 24 ? 8 : units >= 8 ? 4 : 2);

/** Step 6 of searchWorst for claim `c`: successive halving over its `size` best points. */
async function race(
  ledger: Ledger,
  c: number,
  size: number,
  base: number,
  left: () => number,
): Promise<Visited> {
  // half the field by each bound: a real fault in a noisy corner ranks high only at two standard
  // errors, one in a quiet place among noisy ones only at four
  const field0 = ledger.best(c, size / 2);
  let field = [...field0, ...ledger.best(c, size / 2, new Set(field0), robustScore)];
  for (let replicates = 2 * base; field.length > 1; replicates *= 2) {
    const measured: Visited[] = [];
    for (const v of field) measured.push(left() > 0 ? await ledger.measure(v.point, replicates) : v);
    field = measured
      .sort((a, b) => robustScore(b.measurements[c]) - robustScore(a.measurements[c]))
      .slice(0, Math.ceil(measured.length / 2));
  }
  return field[0];
}

/**
 * The baseline the hunt must beat, at equal cost: `evaluations` points drawn uniformly from the
 * cube, each measured once at the base replicate count, the best per claim confirmed the same way.
 */
export async function randomSearch<M extends Measurement>(
  objective: NoisyObjective<M>,
  options: SearchOptions,
): Promise<SearchOutcome<M>> {
  const ledger = new Ledger(objective);
  const random = uniformStream(`${options.seed}|random`);
  // a draw that rounds to a config measured already costs nothing: the attempts are capped too
  for (
    let attempt = 0;
    objective.spent() < options.evaluations && attempt < 4 * options.evaluations;
    attempt++
  ) {
    await ledger.measure(
      objective.keys.map(() => random()),
      options.baseReplicates,
    );
  }
  const points = objective.claims.map((_, c) => ledger.best(c, 1)[0].point);
  const worst = await confirmAll(objective, points, options);
  return {
    claims: objective.claims.map((claim, c) => ({ claim, worst: worst[c], drivers: [] })),
    evaluations: objective.spent(),
  };
}
