/**
 * Builds fixtures/pins.json: one pin per finding (a claim that deviates in a regime).
 *
 *   npx tsx scripts/pin-findings.ts --from reports/reference/report.json   candidates from a report
 *   npx tsx scripts/pin-findings.ts --remeasure                            re-measure the pins' own configs
 *   ... [--only <claim glob>] [--seed N] [--budget standard] [--hunt-only | --draws-only]
 *
 * From a report: per claim and regime with a `deviates` result, its deviating comparisons, the
 * largest |error| first; each is re-measured here (src/run/pins.ts measurePin, what `sigprop
 * check` does) and the first that still deviates is pinned with what was measured now. A finding
 * none of whose first three candidates deviates any more is reported and left unpinned.
 * The report's hunt findings (a confirmed worst config beyond precision) are pinned too, with
 * `source: 'hunt'`, at the hunt's confirmation config and seed, where the regime has no pin from
 * the random draws already.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initEngine } from '../src/backend/engine.ts';
import { loadExpectedVerdicts } from '../src/claims/expected.ts';
import { loadPins, pinKey, PINS_FILE, type Pin } from '../src/claims/pins.ts';
import type { HuntRecord } from '../src/report/model.ts';
import { selectClaims } from '../src/claims/registry.ts';
import type { VerifiedResult } from '../src/claims/expected.ts';
import { measurePin, type PinTarget } from '../src/run/pins.ts';
import type { BudgetName } from '../src/stats/budget.ts';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    remeasure: { type: 'boolean', default: false },
    only: { type: 'string', default: '*' },
    seed: { type: 'string', default: '1' },
    budget: { type: 'string', default: 'standard' },
    // only the report's hunt findings (keeps the pins of the random draws as they are)
    'hunt-only': { type: 'boolean', default: false },
    // only the random draws' findings (leaves the hunt's out: each is a pin to replay in every verify)
    'draws-only': { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
const budget = values.budget as BudgetName;
const selected = new Set(selectClaims(values.only).map((c) => c.id));
const engine = await initEngine();
const expected = loadExpectedVerdicts();
const existing = values.remeasure || values.from ? safeLoad() : [];

function safeLoad(): Pin[] {
  try {
    return loadPins();
  } catch {
    return [];
  }
}

const scaled = (r: VerifiedResult) => (r.measured - r.predicted) / r.scale;

/** Per finding, its candidate targets (worst first) and the evidence text. */
interface Finding {
  key: string;
  targets: PinTarget[];
  evidence: string;
  source?: 'hunt';
}

function fromReport(path: string): Finding[] {
  const report = JSON.parse(readFileSync(path, 'utf8')) as {
    run: { budget: string; seed: number };
    results: VerifiedResult[];
    hunt?: HuntRecord[];
  };
  const results = report.results;
  const groups = new Map<string, VerifiedResult[]>();
  for (const r of results) {
    if (!selected.has(r.claim)) continue;
    const key = `${r.claim}|${r.regime}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const findings: Finding[] = [];
  for (const [key, group] of groups) {
    const deviating = group
      .filter((r) => r.verdict === 'deviates')
      .sort((a, b) => Math.abs(scaled(b)) - Math.abs(scaled(a)));
    if (deviating.length === 0) continue;
    const [claim, regime] = key.split('|');
    const entry = expected[claim]?.[regime];
    const finding = entry?.evidence ?? (entry?.ratio ? `measured/predicted ${entry.ratio}.` : '');
    const provenance = `Worst of ${deviating.length} deviating of ${group.length} comparisons in ${path} (verify --budget ${report.run.budget} --seed ${report.run.seed}).`;
    findings.push({
      key,
      targets: deviating.slice(0, 3).map((r) => ({ claim, regime, config: r.config, seed, budget })),
      evidence: `${finding} ${provenance}`.trim(),
    });
  }
  const fromDraws = new Set(findings.map((f) => f.key));
  if (values['hunt-only']) findings.length = 0;
  for (const r of values['draws-only'] ? [] : (report.hunt ?? [])) {
    const key = `${r.claim}|${r.regime}`;
    if (!r.finding || !selected.has(r.claim) || fromDraws.has(key)) continue;
    const drivers = r.drivers
      .slice(0, 3)
      .map((d) => d.key)
      .join(', ');
    findings.push({
      key: `${key}|hunt`,
      source: 'hunt',
      targets: [{ claim: r.claim, regime: r.regime, config: r.worst.config, seed: r.seed, budget }],
      evidence: `Hunt finding: the worst config the hunt confirmed in ${path} (verify --budget ${report.run.budget} --seed ${report.run.seed}), error ${r.worst.error.toPrecision(3)} +- ${r.worst.errorStderr.toPrecision(2)} of the scale; keys that drive it: ${drivers}.`,
    });
  }
  return findings;
}

const findings: Finding[] = values.from
  ? fromReport(values.from)
  : existing
      .filter((p) => selected.has(p.claim))
      .map((p) => ({
        key: pinKey(p),
        // a hunt pin keeps the confirmation's seed: its config was chosen at that seed's draws
        targets: [{ ...p, seed: p.source ? p.seed : seed, budget }],
        evidence: p.evidence,
        ...(p.source ? { source: p.source } : {}),
      }));

const pins = new Map(existing.map((p) => [pinKey(p), p]));
for (const finding of findings) {
  let pinned = false;
  for (const target of finding.targets) {
    const m = await measurePin(target, engine);
    const line = `${target.claim} ${target.regime}: ${m.verdict} ratio ${m.ratio?.toPrecision(4)} error ${m.error.toPrecision(4)} +- ${m.errorStderr.toPrecision(2)} (${m.replicates} replicates, ${(m.elapsedMs / 1000).toFixed(1)} s)`;
    console.log(line);
    if (m.verdict !== 'deviates') continue;
    pins.set(finding.key, {
      claim: target.claim,
      regime: target.regime,
      config: target.config,
      seed: target.seed,
      engine: m.engine,
      ...(engine.matMul ? { matMul: engine.matMul } : {}),
      budget: target.budget,
      ratio: m.ratio,
      error: m.error,
      errorStderr: m.errorStderr,
      evidence: finding.evidence,
      predicted: m.predicted,
      measured: m.measured,
      stderr: m.stderr,
      replicates: m.replicates,
      elapsedMs: Math.round(m.elapsedMs),
      ...(finding.source ? { source: finding.source } : {}),
    });
    pinned = true;
    break;
  }
  if (!pinned) {
    console.log(`${finding.key}: NOT PINNED, no candidate deviates at seed ${seed}`);
    pins.delete(finding.key);
  }
  writeFileSync(PINS_FILE, `${JSON.stringify({ pins: [...pins.values()] }, null, 2)}\n`);
}
