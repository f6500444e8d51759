import { createHash } from 'node:crypto';
import { InputError } from '../claims/params.ts';

/** Which part of a run a file holds: shard `index` of `count`, and the digest of the run's plan. */
export interface ShardStamp {
  index: number;
  count: number;
  /** planDigest of everything that decides the run's task list and numbers, the shard excepted */
  digest: string;
}

/** JSON with object keys sorted, so equal plans give equal text whatever order they were built in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** First 16 hex digits of SHA-256 over the canonical plan: shards of one run carry the same one. */
export const planDigest = (plan: Record<string, unknown>) =>
  createHash('sha256').update(canonical(plan)).digest('hex').slice(0, 16);

export interface ShardFile {
  name: string;
  stamp: ShardStamp | undefined;
  /** false when that shard's run was stopped early */
  complete: boolean;
}

export interface ShardCheck {
  /** every shard present once and complete */
  complete: boolean;
  /** shard indices no file holds */
  missing: number[];
  /** files of shards that were stopped early */
  incomplete: string[];
  count: number;
}

/**
 * Whether files make up one whole run: same plan digest and shard count, no index twice, none
 * missing, none stopped early. Mismatched plans, duplicates and unstamped files are always refused
 * (exit 2): no flag makes them one run. Missing or stopped shards are refused too, unless
 * `allowPartial`, when the caller marks its merge incomplete.
 */
export function checkShards(files: readonly ShardFile[], allowPartial: boolean, part = 'shard'): ShardCheck {
  if (files.length === 0) throw new InputError('merge: no files given');
  const unstamped = files.find((f) => !f.stamp);
  if (unstamped)
    throw new InputError(
      `${unstamped.name}: records no ${part} index, ${part} count and plan digest (written by an older sigprop); re-run it`,
    );
  const [first, ...rest] = files as (ShardFile & { stamp: ShardStamp })[];
  for (const f of rest as (ShardFile & { stamp: ShardStamp })[]) {
    if (f.stamp.digest !== first.stamp.digest)
      throw new InputError(
        `${f.name}: plan digest ${f.stamp.digest} differs from ${first.name}'s ${first.stamp.digest}: not shards of one run (claims, budget, seed, version or options differ)`,
      );
    if (f.stamp.count !== first.stamp.count)
      throw new InputError(
        `${f.name}: ${part} ${f.stamp.index}/${f.stamp.count} of a run split ${f.stamp.count} ways, ${first.name} of one split ${first.stamp.count} ways`,
      );
  }
  const count = first.stamp.count;
  const byIndex = new Map<number, string>();
  for (const f of files as (ShardFile & { stamp: ShardStamp })[]) {
    const other = byIndex.get(f.stamp.index);
    if (other !== undefined)
      throw new InputError(`merge: ${part} ${f.stamp.index}/${count} given twice (${other} and ${f.name})`);
    byIndex.set(f.stamp.index, f.name);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  const incomplete = files.filter((f) => !f.complete).map((f) => f.name);
  const problems = [
    ...(missing.length
      ? [`${part}${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing`]
      : []),
    ...(incomplete.length ? [`${incomplete.join(', ')} stopped early`] : []),
  ];
  if (problems.length && !allowPartial)
    throw new InputError(
      `merge: ${problems.join('; ')} (--allow-partial merges what is there, marked incomplete, exit 1)`,
    );
  return { complete: problems.length === 0, missing, incomplete, count };
}

/** What makes a verify run's task list and numbers: shards with equal stamps but other indices are one run. */
export function verifyPlanStamp(
  plan: { claims: string; budget: string; seed: number; version: string; hunt: boolean },
  shard?: { index: number; count: number },
): ShardStamp {
  return { index: shard?.index ?? 0, count: shard?.count ?? 1, digest: planDigest(plan) };
}
