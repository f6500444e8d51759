import { dropout } from '../src/claims/components/activations.ts';
import { componentProperties } from './support/componentProperty.ts';

componentProperties(dropout, { numRuns: 4 });
