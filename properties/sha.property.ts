import { sha } from '../src/claims/components/sha.ts';
import { componentProperties } from './support/componentProperty.ts';

componentProperties(sha, { numRuns: 1, seed: 20240611, maxSize: 128 });
