/**
 * Time to verdict: how long `checkComponent` takes to decide every claim of one family (one
 * component's claims, from one shared simulation) at each budget, on the component's default
 * config (the one `sigprop check` uses when no --config is given).
 */
import { initEngine } from '../src/backend/engine.ts';
import { checkComponent } from '../src/claims/check.ts';
import { resolveConfig } from '../src/claims/params.ts';
import { COMPONENTS } from '../src/claims/registry.ts';
import { BUDGETS, type BudgetName } from '../src/stats/budget.ts';
import { cpuMs } from './clock.ts';

export interface VerdictRow {
  engine: string;
  component: string;
  budget: BudgetName;
  config: Record<string, number>;
  claims: number;
  replicates: number;
  samples: number;
  wallMs: number;
  cpuMs: number;
  verdicts: string;
}

export async function measureTimeToVerdict(
  budgets: BudgetName[],
  components?: string[],
  seed = 0,
): Promise<VerdictRow[]> {
  const engine = await initEngine();
  const rows: VerdictRow[] = [];
  for (const budgetName of budgets) {
    const budget = BUDGETS[budgetName];
    for (const component of COMPONENTS) {
      if (components && !components.includes(component.key)) continue;
      const config = resolveConfig(component.params, {}, component.key);
      const wall = performance.now();
      const cpu = cpuMs();
      const results = await checkComponent(component, component.claims, config, {
        budget,
        seed,
        engine,
        comparisons: component.claims.length,
      });
      rows.push({
        engine: engine.name,
        component: component.key,
        budget: budgetName,
        config,
        claims: results.length,
        replicates: Math.max(...results.map((r) => r.replicates)),
        samples: results[0].samples,
        wallMs: performance.now() - wall,
        cpuMs: cpuMs() - cpu,
        verdicts: results.map((r) => r.verdict[0]).join(''),
      });
    }
  }
  return rows;
}

export function formatVerdicts(rows: VerdictRow[]): string {
  const lines = ['engine  budget    family     claims  replicates  cpu s   wall s  verdicts'];
  for (const r of rows) {
    lines.push(
      `${r.engine.padEnd(7)} ${r.budget.padEnd(9)} ${r.component.padEnd(10)} ${String(r.claims).padStart(6)}  ${String(r.replicates).padStart(10)}  ${(r.cpuMs / 1000).toFixed(2).padStart(6)}  ${(r.wallMs / 1000).toFixed(2).padStart(6)}  ${r.verdicts}`,
    );
  }
  return lines.join('\n');
}
