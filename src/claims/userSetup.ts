// A worker thread's setup module (claims/userModules.ts's claimsModuleSetup): the user claims
// modules to register arrive in this module's own URL, as ?modules=<JSON list of file URLs>.
import { loadSetupModules } from './userModules.ts';

await loadSetupModules(JSON.parse(new URL(import.meta.url).searchParams.get('modules') ?? '[]') as string[]);
