import { gelu } from '../src/claims/components/activations.ts';
import { componentProperties } from './support/componentProperty.ts';

componentProperties(gelu, { numRuns: 4 });
