// From the sources (tests, tsx), a worker thread does not inherit the main thread's tsx loader:
// register it, then run the TypeScript worker. Compiled code (dist/) starts worker.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
