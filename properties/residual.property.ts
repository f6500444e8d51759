import { residual } from '../src/claims/components/residual.ts';
import { claimProperty } from '../src/vitest.ts';

claimProperty(residual, { numRuns: 1, seed: 20240611, maxSize: 32 });
