import { Command, CommanderError } from 'commander';
import { EngineUnavailable, releaseEngine } from '../backend/engine.ts';
import { InputError } from '../claims/params.ts';
import { loadUserClaims } from '../claims/userModules.ts';
import { registerAtlas } from './commands/atlas.ts';
import { registerBench } from './commands/bench.ts';
import { registerCalibrate } from './commands/calibrate.ts';
import { registerCheck } from './commands/check.ts';
import { registerGrid } from './commands/grid.ts';
import { registerHunt } from './commands/hunt.ts';
import { registerDepth } from './commands/depth.ts';
import { registerList } from './commands/list.ts';
import { registerReport } from './commands/report.ts';
import { registerVerify } from './commands/verify.ts';
import { EXIT, EXIT_HELP, note, VERSION, type SetExit } from './io.ts';

/** Each command lives in ./commands and registers itself here. */
export function buildProgram(setExit: SetExit): Command {
  const program = new Command('sigprop')
    .description('Property-based Monte-Carlo verification of transformer signal-propagation theory')
    .version(VERSION)
    .exitOverride()
    .showSuggestionAfterError(false)
    .option(
      '--claims-module <path>',
      'register the components, claims and expected verdicts a module exports (repeatable; sigprop.config.{ts,mjs,js} in the working directory loads too)',
      (path: string, all: string[]) => [...all, path],
      [] as string[],
    )
    // user claims reach every command: registered before any action runs
    .hook('preAction', async () => loadUserClaims(program.opts<{ claimsModule: string[] }>().claimsModule));
  registerList(program);
  registerCheck(program, setExit);
  registerVerify(program, setExit);
  registerBench(program, setExit);
  registerReport(program, setExit);
  registerCalibrate(program, setExit);
  registerGrid(program, setExit);
  registerDepth(program, setExit);
  registerAtlas(program, setExit);
  registerHunt(program, setExit);
  const withExitCodes = (command: Command) => {
    command.addHelpText('after', EXIT_HELP);
    command.commands.forEach(withExitCodes);
  };
  withExitCodes(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  try {
    await buildProgram((c) => (code = c)).parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has printed its one-line message; help and version are successes
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof InputError || error instanceof EngineUnavailable) {
      note(`sigprop: ${error.message}`);
      return EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    note(
      `sigprop: internal error: ${message}${process.env.SIGPROP_DEBUG ? `\n${(error as Error).stack}` : ' (set SIGPROP_DEBUG=1 for the stack)'}`,
    );
    return EXIT.internal;
  } finally {
    await releaseEngine();
  }
}
