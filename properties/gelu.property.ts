import { gelu } from '../src/claims/components/gelu.ts';
import { componentProperties } from './support/componentProperty.ts';

componentProperties(gelu, { numRuns: 4 });
