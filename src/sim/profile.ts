/**
 * Optional wall-time accounting of a simulation's phases (drawing, upload, compute, reduction),
 * for `bench/profile.ts`. Timers wrap whole phases of a replicate, never single draws, so leaving
 * it switched off costs one branch per phase.
 */
export type Phase = 'draw' | 'upload' | 'compute' | 'reduce';

const totals: Record<Phase, number> = { draw: 0, upload: 0, compute: 0, reduce: 0 };
let enabled = false;

export function enableProfile(on: boolean): void {
  enabled = on;
}

export function resetProfile(): void {
  for (const k of Object.keys(totals) as Phase[]) totals[k] = 0;
}

export function profileTotals(): Readonly<Record<Phase, number>> {
  return { ...totals };
}

/**
 * Process CPU time in ms: the machines this runs on are shared, and wall time would charge a
 * neighbour's work to whichever phase it interrupted (wasm computes on the main thread).
 */
export function profileClock(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs `body`, charging its wall time to `phase` when profiling is on. */
export function timed<T>(phase: Phase, body: () => T): T {
  if (!enabled) return body();
  const start = profileClock();
  try {
    return body();
  } finally {
    totals[phase] += profileClock() - start;
  }
}

/** Charges time measured by the caller (for async phases). */
export function charge(phase: Phase, ms: number): void {
  if (enabled) totals[phase] += ms;
}

export function profiling(): boolean {
  return enabled;
}
