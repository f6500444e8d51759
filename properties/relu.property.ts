import { relu } from '../src/claims/components/activations.ts';
import { componentProperties } from './support.ts';

componentProperties(relu, 4);
