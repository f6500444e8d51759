import { residual } from '../src/claims/components/residual.ts';
import { componentProperties } from './support/componentProperty.ts';

componentProperties(residual, { numRuns: 1, seed: 20240611, maxSize: 32 });
