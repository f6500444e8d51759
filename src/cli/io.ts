import { readFileSync } from 'node:fs';
import { initEngine, type EngineInfo } from '../backend/engine.ts';

export const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Exit codes of the CLI contract (DESIGN.md), plus 3 for a failure inside sigprop itself. */
export const EXIT = { ok: 0, unexpected: 1, usage: 2, internal: 3 } as const;

export type SetExit = (code: number) => void;

export const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
export const note = (text: string) => process.stderr.write(`${text}\n`);

/** Initialises the engine and says on stderr which one runs. */
export async function engine(): Promise<EngineInfo> {
  const info = await initEngine();
  note(`sigprop: engine ${info.name} (tfjs ${info.tfjsVersion}, backend ${info.backend}${info.adapter ? `, ${info.adapter}` : ''}${info.matMul ? `, matMul ${info.matMul}` : ''})`);
  return info;
}

/**
 * Ctrl-C handling for long runs: the first press asks the run to stop once the configs in
 * progress finish (it then writes a partial report), a second one exits at once.
 */
export function stopOnInterrupt(): { requested: () => boolean; release: () => void } {
  let requested = false;
  const onInterrupt = () => {
    if (requested) process.exit(130);
    requested = true;
    note('\nsigprop: stopping once the configs in progress finish (Ctrl-C again to abort without a report)');
  };
  process.on('SIGINT', onInterrupt);
  return { requested: () => requested, release: () => process.off('SIGINT', onInterrupt) };
}
