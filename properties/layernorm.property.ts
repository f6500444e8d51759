import { layernorm } from '../src/claims/components/layernorm.ts';
import { componentProperties } from './support.ts';

componentProperties(layernorm, 3);
