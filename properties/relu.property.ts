import { relu } from '../src/claims/components/relu.ts';
import { claimProperty } from '../src/vitest.ts';

claimProperty(relu, { numRuns: 4 });
