import { dropout } from '../src/claims/components/dropout.ts';
import { componentProperties } from './support/componentProperty.ts';

componentProperties(dropout, { numRuns: 4 });
