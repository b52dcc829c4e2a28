/**
 * Golden tests: every fixture under fixtures/cases and fixtures/legacy is compiled with the
 * transformer (TypeScript 5.9 and 6.0) and its emitted JS and diagnostics are compared with the
 * files beside it (`<name>.expected.js`, `<name>.expected.txt`).
 * Refresh: `npm run fixtures:update` (sets UPDATE_FIXTURES=1).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  TS_VERSIONS, loadTs, groups, compileGroup, emittedJs, fixtureDiagnostics, goldenPaths, checkGolden, ROOT, FIXTURES, UPDATE,
} from './harness';

describe('transformer fixtures', function () {
  this.timeout(120000);

  it('has at least 40 fixtures, each with both goldens', () => {
    const all = groups().flatMap((g) => g.cases);
    assert.ok(all.length >= 40, `only ${all.length} fixtures`);
    if (UPDATE) return;
    for (const f of all) {
      const g = goldenPaths(f);
      assert.ok(fs.existsSync(g.js), `missing ${path.relative(ROOT, g.js)}`);
      assert.ok(fs.existsSync(g.diagnostics), `missing ${path.relative(ROOT, g.diagnostics)}`);
    }
  });

  it('has no stray goldens (every .expected file belongs to a fixture)', () => {
    for (const g of groups()) {
      for (const f of fs.readdirSync(g.dir)) {
        const m = /^(.*)\.expected\.(m?js|txt)$/.exec(f);
        if (!m) continue;
        const input = ['.ts', '.mts'].map((e) => path.join(g.dir, m[1] + e)).find((p) => fs.existsSync(p));
        assert.ok(input, `${path.relative(FIXTURES, path.join(g.dir, f))} has no fixture`);
      }
    }
  });

  for (const v of TS_VERSIONS) {
    describe(`TypeScript ${v}`, () => {
      for (const g of groups()) {
        for (const file of g.cases) {
          const name = `${g.name}/${path.basename(file)}`;
          it(`${name}: emitted JS matches`, function () {
            const t = loadTs(v);
            const c = compileGroup(t, g);
            // goldens are written from TypeScript 5.9; 6.0 must produce the same text
            if (UPDATE && v !== '5.9') this.skip();
            const err = checkGolden(goldenPaths(file).js, emittedJs(c, g, file));
            if (err) assert.fail(err);
          });
          it(`${name}: diagnostics match`, function () {
            const t = loadTs(v);
            const c = compileGroup(t, g);
            if (UPDATE && v !== '5.9') this.skip();
            const err = checkGolden(goldenPaths(file).diagnostics, fixtureDiagnostics(c, file));
            if (err) assert.fail(err);
          });
        }
      }

      it('applying the transformer twice changes nothing (idempotent)', () => {
        const t = loadTs(v);
        for (const g of groups()) {
          const once = compileGroup(t, g);
          const twice = compileGroup(t, g, { twice: true });
          for (const file of g.cases) assert.strictEqual(emittedJs(twice, g, file), emittedJs(once, g, file), `${file}`);
        }
      });

      it('declaration output is unchanged by the transformer', () => {
        const t = loadTs(v);
        const g = groups()[0];
        const withTransformer = compileGroup(t, g, { declaration: true });
        const parsed = t.getParsedCommandLineOfConfigFile(g.tsconfig, {
          noEmit: false, emitDeclarationOnly: true, declaration: true, declarationMap: false, rootDir: g.dir,
          outDir: withTransformer.outDir,
        }, { ...t.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
        const plain = new Map<string, string>();
        t.createProgram({ rootNames: parsed.fileNames, options: parsed.options }).emit(undefined, (n, text) => plain.set(path.resolve(n), text));
        let compared = 0;
        for (const [name, text] of plain) {
          if (!/\.d\.m?ts$/.test(name)) continue;
          assert.strictEqual(withTransformer.outputs.get(name), text, name);
          compared++;
        }
        assert.ok(compared >= 40, `compared ${compared} declaration files`);
      });
    });
  }
});
