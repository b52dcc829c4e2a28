/**
 * Source maps: rewritten code maps back to the user's lines (the converted `if` to the `if`, branch
 * statements to themselves, the hoisted jit function to its declaration).
 */
import * as assert from 'assert';
import * as path from 'path';
import { loadTs, groups, compileGroup } from './harness';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes a source map's `mappings`: per generated line, segments [genCol, source, origLine, origCol] (0-based). */
export function decodeMappings(mappings: string): number[][][] {
  const lines: number[][][] = [];
  let src = 0, oLine = 0, oCol = 0;
  for (const line of mappings.split(';')) {
    const segs: number[][] = [];
    let gCol = 0;
    for (const seg of line.split(',')) {
      if (!seg) continue;
      const vals: number[] = [];
      let shift = 0, value = 0;
      for (const ch of seg) {
        const d = B64.indexOf(ch);
        if (d < 0) throw new Error(`bad base64 digit ${ch}`);
        value += (d & 31) << shift;
        if (d & 32) { shift += 5; continue; }
        vals.push(value & 1 ? -(value >>> 1) : value >>> 1);
        shift = 0;
        value = 0;
      }
      gCol += vals[0];
      if (vals.length >= 4) {
        src += vals[1]; oLine += vals[2]; oCol += vals[3];
        segs.push([gCol, src, oLine, oCol]);
      } else {
        segs.push([gCol]);
      }
    }
    lines.push(segs);
  }
  return lines;
}

describe('transformer source maps', function () {
  this.timeout(60000);
  const t = loadTs('5.9');
  const g = groups()[0];

  function mapped(file: string): { js: string[]; src: string[]; originalLineOf(genLine: number, text: string): number } {
    const c = compileGroup(t, g, { sourceMap: true });
    const jsPath = path.resolve(c.outDir, file.replace(/\.ts$/, '.js'));
    const js = c.outputs.get(jsPath)!;
    const map = JSON.parse(c.outputs.get(jsPath + '.map')!);
    const lines = decodeMappings(map.mappings);
    const jsLines = js.split('\n');
    return {
      js: jsLines,
      src: t.sys.readFile(path.join(g.dir, file))!.split('\n'),
      originalLineOf(genLine: number, text: string): number {
        const col = jsLines[genLine].indexOf(text);
        assert.ok(col >= 0, `'${text}' not on line ${genLine + 1}: ${jsLines[genLine]}`);
        // the segment covering `col` (the last one starting at or before it)
        const segs = lines[genLine].filter((s) => s.length === 4 && s[0] <= col);
        assert.ok(segs.length, `no mapping on generated line ${genLine + 1}`);
        return segs[segs.length - 1][2] + 1;
      },
    };
  }

  const lineOf = (lines: string[], re: RegExp) => {
    const i = lines.findIndex((l) => re.test(l));
    assert.ok(i >= 0, `${re} not found`);
    return i;
  };

  it('a converted if maps to the original if; branch statements to themselves', () => {
    const m = mapped('if_two_outputs.ts');
    const ifLine = lineOf(m.src, /^\s*if \(x\.gt\(1\)\) \{/) + 1;
    assert.strictEqual(m.originalLineOf(lineOf(m.js, /controlFlow\.ifStmt\(/), 'tensorjit'), ifLine);
    assert.strictEqual(m.originalLineOf(lineOf(m.js, /controlFlow\.ifStmt\(/), 'x.gt(1)'), ifLine);
    assert.strictEqual(m.originalLineOf(lineOf(m.js, /^\s*a = x\.mul\(2\);/), 'a = x.mul(2)'), lineOf(m.src, /^\s*a = x\.mul\(2\);/) + 1);
    assert.strictEqual(m.originalLineOf(lineOf(m.js, /^\s*a = x\.neg\(\);/), 'a = x.neg()'), lineOf(m.src, /^\s*a = x\.neg\(\);/) + 1);
  });

  it('a normalised early return maps the moved statements to their own lines', () => {
    const m = mapped('return_early.ts');
    assert.strictEqual(m.originalLineOf(lineOf(m.js, /return tensorjit_\d\.controlFlow\.ifReturn\(x\.lt\(0\)/), 'return'), lineOf(m.src, /if \(x\.lt\(0\)\) return x\.neg\(\);/) + 1);
    assert.strictEqual(m.originalLineOf(lineOf(m.js, /const doubled = x\.mul\(2\);/), 'const doubled'), lineOf(m.src, /const doubled = x\.mul\(2\);/) + 1);
  });

  it('the hoisted jit function maps to its declaration; conditional expressions to themselves', () => {
    const m = mapped('ternary_basic.ts');
    assert.strictEqual(m.originalLineOf(lineOf(m.js, /^var leakyRelu = /), 'leakyRelu'), lineOf(m.src, /^export function leakyRelu/) + 1);
    assert.strictEqual(m.originalLineOf(lineOf(m.js, /const y = tensorjit_\d\.controlFlow\.ifExp/), 'tensorjit'), lineOf(m.src, /const y = x\.gt\(0\)/) + 1);
  });
});
