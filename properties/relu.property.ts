import { relu } from '../src/claims/components/relu.ts';
import { componentProperties } from './support/componentProperty.ts';

componentProperties(relu, { numRuns: 4 });
