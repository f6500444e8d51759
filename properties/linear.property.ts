import { linear } from '../src/claims/components/linear.ts';
import { componentProperties } from './support/componentProperty.ts';

componentProperties(linear, { numRuns: 4 });
