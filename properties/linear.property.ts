import { linear } from '../src/claims/components/linear.ts';
import { componentProperties } from './support.ts';

componentProperties(linear, 4);
