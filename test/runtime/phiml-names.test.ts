/**
 * docs/phiml.md's name map: it lists every public name of phiml.math (362), and every tensorjit
 * spelling it gives as `math.name` exists in the package (so the map cannot claim what is missing).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { math } from 'tensorjit';

function docsPath(): string {
  for (let d = __dirname; ; d = path.dirname(d)) {
    const p = path.join(d, 'docs', 'phiml.md');
    if (fs.existsSync(p)) return p;
    if (path.dirname(d) === d) throw new Error('docs/phiml.md not found');
  }
}

describe('docs/phiml.md name map', () => {
  const md = fs.readFileSync(docsPath(), 'utf8');
  const section = md.slice(md.indexOf('## Every `phiml.math` name'));
  const rows = section.split('\n').filter((l) => /^\| `[^`]+` \| /.test(l)).slice(0, 362);
  it('lists 362 distinct ΦML names', () => {
    const names = rows.map((l) => /^\| `([^`]+)`/.exec(l)![1]);
    assert.strictEqual(new Set(names).size, 362);
  });
  it('every math.* spelling exists; the stated count matches the rows', () => {
    let provided = 0;
    for (const l of rows) {
      if (l.includes('| not provided')) continue;
      provided++;
      const m = /\| `math\.(\w+)/.exec(l);
      if (m) assert.notStrictEqual((math as any)[m[1]], undefined, `math.${m[1]} (from: ${l})`);
    }
    const stated = /\*\*(\d+) of 362\*\*/.exec(section);
    assert.ok(stated, 'the section states "n of 362"');
    assert.strictEqual(Number(stated![1]), provided);
  });
});
