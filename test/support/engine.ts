import { beforeAll } from 'vitest';
import { initEngine, type EngineInfo } from '../../src/backend/engine.ts';

/** Each test file runs in its own process; this picks the engine the CLI would pick (or SIGPROP_BACKEND). */
export function useEngine(): () => EngineInfo {
  let info: EngineInfo | undefined;
  beforeAll(async () => {
    info = await initEngine();
  });
  return () => info!;
}
