import { relu } from '../src/claims/components/activations.ts';
import { claimProperty } from '../src/vitest.ts';

claimProperty(relu, { numRuns: 4 });
