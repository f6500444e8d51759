export type BudgetName = 'quick' | 'standard' | 'thorough';
export const BUDGET_NAMES: readonly BudgetName[] = ['quick', 'standard', 'thorough'];

/** How hard a run tries: the precision a `holds` must reach and the work allowed to reach it. */
export interface Budget {
  name: BudgetName;
  /** a `holds` must have been able to see a relative error this large (z*se <= precision*scale) */
  precision: number;
  /** family-wise false-alarm budget of the run, split over comparisons and spent over looks (spending.ts) */
  familyAlpha: number;
  initialReplicates: number;
  /** doubling stops here; the number of looks is log2(max/initial) + 1 */
  maxReplicates: number;
  /** input + upstream-gradient elements one replicate aims at (sets its batch size) */
  replicateElements: number;
  /** configs drawn per component by `verify` and by the properties */
  configsPerComponent: number;
  /** widths and sequence lengths drawn from domains are capped here so the budget stays fast */
  maxSize: number;
  /**
   * simulations the hunt (src/search) may spend per component and regime before confirming, in
   * measurements of `initialReplicates` replicates
   */
  huntEvaluations: number;
  /**
   * where the hunt's confirmation of its worst config stops (search.ts confirmAt): it must resolve
   * a confirmed error against the precision at the run's critical value, in the noisiest corners
   * of a regime too (a variance over 256 tokens correlated at 0.95), so it may go past the
   * replicates one verify comparison gets; scaled down like maxReplicates for large samples
   */
  confirmReplicates: number;
  /** the same for a whole-model family and regime (a model replicate is a pass through every layer) */
  huntModelEvaluations: number;
  /** validity maps (src/search/map.ts) are mapSize x mapSize grids */
  mapSize: number;
}

export const BUDGETS: Record<BudgetName, Budget> = {
  quick: {
    name: 'quick',
    precision: 0.05,
    familyAlpha: 1e-3,
    initialReplicates: 16,
    maxReplicates: 256,
    replicateElements: 1 << 16,
    configsPerComponent: 3,
    maxSize: 256,
    huntEvaluations: 96,
    confirmReplicates: 2048,
    huntModelEvaluations: 16,
    mapSize: 6,
  },
  standard: {
    name: 'standard',
    precision: 0.02,
    familyAlpha: 1e-3,
    initialReplicates: 16,
    maxReplicates: 1024,
    replicateElements: 1 << 17,
    configsPerComponent: 8,
    maxSize: 512,
    huntEvaluations: 96,
    confirmReplicates: 4096,
    huntModelEvaluations: 32,
    mapSize: 8,
  },
  thorough: {
    name: 'thorough',
    precision: 0.005,
    familyAlpha: 1e-3,
    initialReplicates: 16,
    maxReplicates: 8192,
    replicateElements: 1 << 18,
    configsPerComponent: 20,
    maxSize: 1000,
    huntEvaluations: 192,
    confirmReplicates: 16384,
    huntModelEvaluations: 96,
    mapSize: 12,
  },
};

export function looksOf(budget: Budget): number {
  return Math.round(Math.log2(budget.maxReplicates / budget.initialReplicates)) + 1;
}
