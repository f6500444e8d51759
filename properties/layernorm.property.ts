import { layernorm } from '../src/claims/components/layernorm.ts';
import { componentProperties } from './support/componentProperty.ts';

componentProperties(layernorm, { numRuns: 3 });
