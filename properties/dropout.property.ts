import { dropout } from '../src/claims/components/activations.ts';
import { componentProperties } from './support.ts';

componentProperties(dropout, 4);
