import { attentionBlock } from '../src/claims/components/attentionBlock.ts';
import { componentProperties } from './support/componentProperty.ts';

componentProperties(attentionBlock, { numRuns: 1, seed: 20240611, maxSize: 32 });
