import { residual } from '../src/claims/components/ffnBlock.ts';
import { componentProperties } from './support/componentProperty.ts';

componentProperties(residual, { numRuns: 2, seed: 20240611 });
