import { ffnBlock } from '../src/claims/components/ffnBlock.ts';
import { componentProperties } from './support/componentProperty.ts';

componentProperties(ffnBlock, { numRuns: 1, seed: 20240611, maxSize: 32 });
