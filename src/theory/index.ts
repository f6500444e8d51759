/** sigprop/theory: the formula sheet (theory/FORMULAS.md) as float64 functions of a config. No tfjs. */
export * from './attention.ts';
export * from './blocks.ts';
export * from './dropout.ts';
export * from './embedding.ts';
export * from './gelu.ts';
export * from './layernorm.ts';
export * from './linear.ts';
export * from './models.ts';
export * from './moments.ts';
export * from './relu.ts';
export * from './softmax.ts';
