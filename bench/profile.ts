/**
 * Where a verification's wall time goes, per component: drawing random numbers in JS, uploading
 * them to the engine, engine compute (forward + VJP), and reductions + downloads. Runs the tasks
 * `verify` would run at the given budgets and prints shares; `--json FILE` saves them.
 *   npx tsx bench/profile.ts [quick,standard] [--shard i/n] [--json reports/bench/profile.json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { initEngine } from '../src/backend/engine.ts';
import { checkComponent } from '../src/claims/check.ts';
import { ALL_CLAIMS, isModelEntry } from '../src/claims/registry.ts';
import { countComparisons, planVerification } from '../src/run/verify.ts';
import { enableProfile, profileClock, profileTotals, resetProfile, type Phase } from '../src/sim/profile.ts';
import { BUDGETS, type BudgetName } from '../src/stats/budget.ts';

const PHASES: Phase[] = ['draw', 'upload', 'compute', 'reduce'];

export interface PhaseRow {
  budget: BudgetName;
  component: string;
  wallMs: number;
  phasesMs: Record<Phase, number>;
}

export async function profileBudget(
  name: BudgetName,
  seed = 0,
  shard?: { index: number; count: number },
): Promise<PhaseRow[]> {
  const engine = await initEngine();
  const budget = BUDGETS[name];
  const all = planVerification(ALL_CLAIMS, budget, seed);
  const tasks = shard ? planVerification(ALL_CLAIMS, budget, seed, shard) : all;
  const comparisons = countComparisons(all);
  const rows = new Map<string, PhaseRow>();
  enableProfile(true);
  try {
    for (const task of tasks) {
      // whole models have no per-phase hooks
      if (isModelEntry(task.component)) continue;
      resetProfile();
      const started = profileClock();
      await checkComponent(task.component, task.claims, task.config, {
        budget,
        seed,
        engine,
        comparisons,
        regime: task.regime.name,
      });
      const wall = profileClock() - started;
      const phases = profileTotals();
      const row = rows.get(task.component.key) ?? {
        budget: name,
        component: task.component.key,
        wallMs: 0,
        phasesMs: { draw: 0, upload: 0, compute: 0, reduce: 0 },
      };
      row.wallMs += wall;
      for (const p of PHASES) row.phasesMs[p] += phases[p];
      rows.set(task.component.key, row);
    }
  } finally {
    enableProfile(false);
  }
  return [...rows.values()];
}

export function formatPhaseRows(rows: PhaseRow[]): string {
  const lines = ['budget    component    cpu s   draw%  upload%  compute%  reduce%  other%'];
  for (const r of rows) {
    const pct = (ms: number) => ((100 * ms) / r.wallMs).toFixed(1).padStart(7);
    const other = r.wallMs - PHASES.reduce((s, p) => s + r.phasesMs[p], 0);
    lines.push(
      `${r.budget.padEnd(9)} ${r.component.padEnd(10)} ${(r.wallMs / 1000).toFixed(2).padStart(7)} ${PHASES.map((p) => pct(r.phasesMs[p])).join('  ')}  ${pct(other)}`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const budgets = (
    process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'quick,standard'
  ).split(',') as BudgetName[];
  const jsonAt = process.argv.indexOf('--json');
  const shardAt = process.argv.indexOf('--shard');
  const [index, count] = shardAt > 0 ? process.argv[shardAt + 1].split('/').map(Number) : [];
  const shard = shardAt > 0 ? { index, count } : undefined;
  const all: PhaseRow[] = [];
  for (const b of budgets) {
    const rows = await profileBudget(b, 0, shard);
    all.push(...rows);
    console.log(formatPhaseRows(rows));
  }
  if (jsonAt > 0) {
    const file = process.argv[jsonAt + 1];
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
  }
}
