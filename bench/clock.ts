/**
 * Process CPU time in milliseconds. The benchmark machines are shared (load well above the core
 * count is common), so wall time measures the neighbours; the wasm engine runs on the main thread,
 * so CPU time equals wall time on an idle machine.
 */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
