import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reportSchema, SCHEMA_FILE } from '../scripts/report-schema.ts';
import { InputError } from '../src/claims/params.ts';
import { checkReport } from '../src/report/merge.ts';
import type { Report } from '../src/report/model.ts';

const reference = () =>
  JSON.parse(readFileSync(new URL('../reports/reference/report.json', import.meta.url), 'utf8')) as Report;

describe('docs/report.schema.json', () => {
  // generating walks the whole type graph: ~5 s of CPU, far more wall time on a loaded machine
  it(
    'is what the Report type gives (regenerate: npx tsx scripts/report-schema.ts)',
    { timeout: 240_000 },
    () => {
      expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(reportSchema());
    },
  );

  it('states the optional hunt and pins sections', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
    const report = schema.definitions.Report;
    expect(report.required).not.toContain('hunt');
    expect(report.required).not.toContain('pins');
    expect(report.properties.hunt.items.$ref).toBe('#/definitions/HuntRecord');
    expect(schema.definitions.HuntRecord.required).toEqual(
      expect.arrayContaining([
        'claim',
        'regime',
        'worst',
        'drivers',
        'evaluations',
        'seed',
        'replay',
        'finding',
      ]),
    );
    expect(report.properties.pins.items.$ref).toBe('#/definitions/PinReplay');
    expect(schema.definitions.PinReplay.required).toEqual(
      expect.arrayContaining([
        'claim',
        'regime',
        'config',
        'engine',
        'verdict',
        'ratio',
        'error',
        'errorStderr',
      ]),
    );
  });

  it('accepts the committed reference report and names the first bad field of a broken one', () => {
    const good = reference();
    expect(() => checkReport(good, 'ref.json')).not.toThrow();
    const bad = (edit: (r: Report) => void) => {
      const r = reference();
      edit(r);
      return () => checkReport(r, 'bad.json');
    };
    expect(bad((r) => ((r.results[3] as { verdict: string }).verdict = 'maybe'))).toThrow(
      /^bad\.json: results\.3\.verdict: must be equal to one of the allowed values/,
    );
    expect(bad((r) => delete (r.run as Partial<Report['run']>).engine)).toThrow(
      /^bad\.json: run: missing field 'engine'/,
    );
    expect(bad((r) => ((r as { claims: unknown }).claims = {}))).toThrow(InputError);
    // a field sigprop does not know is ignored (docs/report-schema.md, Versioning)
    expect(bad((r) => ((r as { extra?: number }).extra = 1))).not.toThrow();
  });
});
