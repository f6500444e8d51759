import { gelu } from '../src/claims/components/activations.ts';
import { componentProperties } from './support.ts';

componentProperties(gelu, 4);
