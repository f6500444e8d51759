import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ValidateFunction } from 'ajv';
import type { VerifiedResult } from '../claims/expected.ts';
import { InputError } from '../claims/params.ts';
import {
  buildReport,
  REPORT_SCHEMA,
  REPORT_SCHEMA_VERSION,
  type HuntRecord,
  type Report,
  type RunInfo,
} from './model.ts';
import { checkShards } from './shards.ts';

/** A config's identity regardless of key order, so shards that wrote keys differently still match. */
export const canonicalConfig = (config: Record<string, number>) =>
  JSON.stringify(
    Object.keys(config)
      .sort()
      .map((k) => [k, config[k]]),
  );

const resultKey = (r: VerifiedResult) => `${r.claim}\u0000${r.regime}\u0000${canonicalConfig(r.config)}`;

/** The run fields every shard of one run shares; any difference means the files are not one run. */
const SAME: (keyof RunInfo)[] = ['budget', 'seed', 'claims', 'comparisons'];

/**
 * docs/report.schema.json (scripts/report-schema.ts, generated from the Report type), compiled once.
 * ajv (70 modules) is required on first use, so commands that read no report never load it.
 */
let validator: ValidateFunction | undefined;
function validateReport(): ValidateFunction {
  if (validator) return validator;
  const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: typeof AjvClass };
  const schema = JSON.parse(
    readFileSync(new URL('../../docs/report.schema.json', import.meta.url), 'utf8'),
  ) as object;
  return (validator = new Ajv({ allErrors: false, strict: false }).compile(schema));
}

/** `/run/engine` as `run.engine`; the top level as `(top level)`. */
const fieldOf = (path: string) => (path ? path.slice(1).replaceAll('/', '.') : '(top level)');

/**
 * Checks one parsed file is a report this version of sigprop can read: its schema name and
 * version, then the whole of it against the JSON Schema, naming the first bad field.
 */
export function checkReport(report: Report, name: string): void {
  if (report?.schema !== REPORT_SCHEMA)
    throw new InputError(`${name}: not a sigprop report (schema '${String(report?.schema)}')`);
  if (report.schemaVersion !== REPORT_SCHEMA_VERSION)
    throw new InputError(
      `${name}: report schema version ${report.schemaVersion}, this sigprop reads version ${REPORT_SCHEMA_VERSION}`,
    );
  const validate = validateReport();
  if (!validate(report)) {
    const [error] = validate.errors!;
    const detail =
      error.keyword === 'required'
        ? `missing field '${(error.params as { missingProperty: string }).missingProperty}'`
        : error.message;
    throw new InputError(`${name}: ${fieldOf(error.instancePath)}: ${detail} (docs/report.schema.json)`);
  }
}

/**
 * One report from the shard reports of one run. The files must be every shard of one plan, once
 * each (checkShards: a lost runner or a file given twice is an input error, not a smaller run),
 * unless `allowPartial`, which merges what is there and marks the result incomplete with the
 * shards it lacks. Results are concatenated (shards hold disjoint tasks; a result seen twice
 * keeps its first copy) and the summary and per-claim rows are recomputed. Wall time is the
 * longest shard's, as shards run side by side.
 */
export function mergeReports(
  reports: { name: string; report: Report }[],
  describe: (claim: string) => string,
  allowPartial = false,
): Report {
  if (reports.length === 0) throw new InputError('merge: no reports given');
  reports.forEach(({ name, report }) => checkReport(report, name));
  const [first, ...rest] = reports;
  for (const { name, report } of rest)
    for (const field of SAME)
      if (report.run[field] !== first.report.run[field])
        throw new InputError(
          `${name}: ${field} ${JSON.stringify(report.run[field])} differs from ${first.name}'s ${JSON.stringify(first.report.run[field])}; shards of one run must agree`,
        );
  const shards = checkShards(
    reports.map(({ name, report }) => ({ name, stamp: report.run.plan, complete: report.run.complete })),
    allowPartial,
  );
  const seen = new Set<string>();
  const results: VerifiedResult[] = [];
  for (const { report } of reports)
    for (const r of report.results) {
      const key = resultKey(r);
      if (seen.has(key)) continue;
      seen.add(key);
      results.push(r);
    }
  const runs = reports.map((r) => r.report.run);
  const { shard: _shard, plan, ...run } = first.report.run;
  // the hunt's records: each claim and regime once (shards split tasks, so a copy is the same record)
  const hunted = new Map<string, HuntRecord>();
  for (const { report } of reports)
    for (const h of report.hunt ?? [])
      if (!hunted.has(`${h.claim}\u0000${h.regime}`)) hunted.set(`${h.claim}\u0000${h.regime}`, h);
  const merged = buildReport(
    {
      ...run,
      plan: { index: 0, count: 1, digest: plan!.digest },
      startedAt: runs.map((r) => r.startedAt).sort()[0],
      wallSeconds: Math.max(...runs.map((r) => r.wallSeconds)),
      ...(runs.some((r) => r.jobs) ? { jobs: Math.max(...runs.map((r) => r.jobs ?? 1)) } : {}),
      complete: shards.complete,
      ...(shards.missing.length ? { missingShards: shards.missing.map((i) => `${i}/${shards.count}`) } : {}),
    },
    results,
    first.report.tool.version,
    describe,
  );
  return hunted.size ? { ...merged, hunt: [...hunted.values()] } : merged;
}
