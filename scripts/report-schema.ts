// Writes docs/report.schema.json, the JSON Schema of report.json, generated from the `Report` type
// (src/report/model.ts) by ts-json-schema-generator: `npx tsx scripts/report-schema.ts`.
// test/report-schema.test.ts fails when the committed file differs from what the types give.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
export const SCHEMA_FILE = root('docs/report.schema.json');

/** JSON.stringify writes NaN and infinities as null (docs/report-schema.md): every number may be null. */
function nullableNumbers(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableNumbers);
  if (!node || typeof node !== 'object') return node;
  const entries = Object.entries(node as Record<string, unknown>).map(
    ([k, v]) => [k, nullableNumbers(v)] as const,
  );
  const object = Object.fromEntries(entries) as Record<string, unknown>;
  if (object.type === 'number') object.type = ['number', 'null'];
  return object;
}

export function reportSchema(): string {
  const schema = createGenerator({
    path: root('src/report/model.ts'),
    tsconfig: root('tsconfig.json'),
    type: 'Report',
    // readers ignore fields they do not know (docs/report-schema.md, Versioning)
    additionalProperties: true,
    skipTypeCheck: true,
  }).createSchema('Report');
  return `${JSON.stringify({ $id: 'https://sigprop.dev/report.schema.json', title: 'sigprop report.json', ...(nullableNumbers(schema) as object) }, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, reportSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
