import { readFileSync } from 'node:fs';
import { initEngine, type EngineInfo } from '../backend/engine.ts';

export const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * Exit codes of the CLI contract (DESIGN.md), the same in every command: 3 is a failure inside
 * sigprop itself, 130 a run stopped by Ctrl-C (its partial report is still written).
 */
export const EXIT = { ok: 0, unexpected: 1, usage: 2, internal: 3, interrupted: 130 } as const;

/** The exit codes as `--help` lists them. */
export const EXIT_HELP = `
Exit codes (every command):
  0    every verdict as expected (verify, report merge: fixtures/verdicts.json; check, depth: --expect)
  1    a verdict contradicts its expectation, or a merge was allowed to be partial (--allow-partial)
  2    bad usage or input (one line on stderr naming the field; nothing was simulated)
  3    internal error in sigprop
  130  interrupted (Ctrl-C): the report written so far is partial`;

export type SetExit = (code: number) => void;

/**
 * A reader that closed its end (`sigprop list | head -1`) wants no more output: later writes are
 * dropped instead of dying on EPIPE, and the command still ends with its own exit code.
 */
const closed = { stdout: false, stderr: false };
for (const name of ['stdout', 'stderr'] as const) {
  process[name].on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    closed[name] = true;
  });
}

export const out = (text: string) => {
  if (!closed.stdout) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
};
export const note = (text: string) => {
  if (!closed.stderr) process.stderr.write(`${text}\n`);
};

/** Initialises the engine and says on stderr which one runs. */
export async function engine(): Promise<EngineInfo> {
  const info = await initEngine();
  note(
    `sigprop: engine ${info.name} (tfjs ${info.tfjsVersion}, backend ${info.backend}${info.adapter ? `, ${info.adapter}` : ''}${info.matMul ? `, matMul ${info.matMul}` : ''})`,
  );
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
