import { softmax } from '../src/claims/components/softmax.ts';
import { componentProperties } from './support/componentProperty.ts';

componentProperties(softmax, { numRuns: 1, seed: 20240611, maxSize: 32 });
