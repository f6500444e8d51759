// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'reports/',
      'native/build/',
      'examples/*/dist/',
      'examples/*/node_modules/',
      '**/*.d.ts',
      '**/*.d.mts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // reference values quoted from tables keep their published digits; golden JSON is read untyped
    files: ['test/**/*.ts'],
    rules: { 'no-loss-of-precision': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // simulating code takes tfjs from src/backend/tf.ts, which loads it at first use (`sigprop list` never does)
    files: ['src/**/*.ts'],
    ignores: ['src/backend/tf.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@tensorflow/tfjs',
              message: "import { tf } from '<rel>/backend/tf.ts' (lazy)",
              allowTypeImports: true,
            },
            {
              name: '@observablehq/plot',
              message: 'use report/plotLibrary.ts (lazy)',
              allowTypeImports: true,
            },
            { name: 'linkedom', message: 'use report/plotLibrary.ts (lazy)', allowTypeImports: true },
            {
              name: 'ajv',
              message: 'required on first use in report/merge.ts (lazy)',
              allowTypeImports: true,
            },
          ],
          patterns: [
            { group: ['@stdlib/*'], message: 'use stats/quantiles.ts (lazy)', allowTypeImports: true },
          ],
        },
      ],
    },
  },
);
