import { linear } from '../src/claims/components/linear.ts';
import { claimProperty } from '../src/vitest.ts';

claimProperty(linear, { numRuns: 4 });
