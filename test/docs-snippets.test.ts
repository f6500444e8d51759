import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * docs/new-formula.md shows code a researcher copies, so it must be code that compiles: every code
 * block but shell is preceded by `<!-- from <path> -->` and quotes that file verbatim (pieces of
 * it separated by `// ...` lines), and the quoted files compile against src/index.ts
 * (docs/new-formula/tsconfig.json maps `sigprop` onto the sources and includes the example).
 */
const root = new URL('..', import.meta.url).pathname;
const DOC = 'docs/new-formula.md';
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

interface Block {
  line: number;
  lang: string;
  source: string | undefined;
  text: string;
}

function codeBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    let previous = i - 1;
    while (previous >= 0 && lines[previous].trim() === '') previous--;
    const source = /^<!-- from (\S+) -->$/.exec(lines[previous] ?? '')?.[1];
    blocks.push({ line: i + 1, lang: open[1], source, text: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

describe(`${DOC}: every snippet is quoted from a file that compiles`, () => {
  const blocks = codeBlocks(readFileSync(root + DOC, 'utf8')).filter(
    (b) => !['sh', 'text', ''].includes(b.lang),
  );

  it('has code snippets, each naming the file it quotes', () => {
    expect(blocks.length).toBeGreaterThan(5);
    expect(blocks.filter((b) => b.source === undefined).map((b) => `line ${b.line}`)).toEqual([]);
  });

  it('quotes each file verbatim (pieces between `// ...` lines)', () => {
    const misquoted = blocks.flatMap((b) => {
      if (!b.source || !existsSync(root + b.source)) return [`line ${b.line}: no file ${b.source}`];
      const file = readFileSync(root + b.source, 'utf8');
      return b.text
        .split(/^\s*\/\/ \.\.\.\s*$/m)
        .map((piece) => piece.replace(/^\n+|\n+$/g, ''))
        .filter((piece) => piece !== '' && !file.includes(piece))
        .map((piece) => `line ${b.line} (${b.source}): ${piece.split('\n')[0]}`);
    });
    expect(misquoted).toEqual([]);
  });

  it('the quoted files compile against src/index.ts (tsc -p docs/new-formula)', () => {
    const run = spawnSync(process.execPath, [tsc, '-p', 'docs/new-formula/tsconfig.json'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.stdout).toBe('');
    expect(run.status).toBe(0);
    const compiled = ['examples/new-formula/src/', 'examples/new-formula/test/', 'docs/new-formula/'];
    const uncovered = blocks.filter((b) => !compiled.some((dir) => b.source!.startsWith(dir)));
    expect(
      uncovered.map((b) => `${b.source} (not compiled)`).filter((s) => !s.endsWith('.json (not compiled)')),
    ).toEqual([]);
  }, 120_000);
});
