import { relu } from '../src/claims/components/activations.ts';
import { componentProperties } from './support/componentProperty.ts';

componentProperties(relu, { numRuns: 4 });
