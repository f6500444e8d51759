import { layernorm } from '../src/claims/components/layernorm.ts';
import { claimProperty } from '../src/vitest.ts';

claimProperty(layernorm, { numRuns: 3 });
