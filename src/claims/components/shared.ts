import type { Simulator } from '../../sim/simulator.ts';
import type { Config } from '../types.ts';

/**
 * Components are stored with the registry's untyped `Config`; configs reach them only after
 * `resolveConfig` has checked every key of the component, so this is the one place the typed
 * theory and simulators are widened.
 */
export const untyped = <C, R>(f: (c: C) => R) => f as unknown as (c: Config) => R;
export const untypedSimulator = <C>(s: Simulator<C>) => s as unknown as Simulator<Config>;
