import { embedding } from '../src/claims/components/embedding.ts';
import { componentProperties } from './support/componentProperty.ts';

componentProperties(embedding, { numRuns: 1, seed: 20240611, maxSize: 32 });
