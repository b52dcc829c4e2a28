/**
 * The toolchain matrix (matrix.ts). `npm test` runs a fast slice (the esbuild plugin, esbuild
 * without it, the register hook); `npm run test:toolchains` (TENSORJIT_TOOLCHAINS=all) runs every
 * toolchain, or a comma-separated list of names.
 */
import * as assert from 'assert';
import { TOOLCHAINS, makeProject, judge } from './matrix';

const FAST = ['esbuild', 'esbuild without the plugin', 'node --import tensorjit/register'];
const selected = (process.env.TENSORJIT_TOOLCHAINS ?? '').trim();
const names = selected === 'all' ? TOOLCHAINS.map((t) => t.name) : selected ? selected.split(',').map((s) => s.trim()) : FAST;

describe(`toolchain matrix (${selected === 'all' ? 'all' : selected ? 'selected' : 'fast slice; npm run test:toolchains for all'})`, function () {
  this.timeout(600_000);
  for (const tc of TOOLCHAINS.filter((t) => names.includes(t.name))) {
    it(`${tc.name}: ${tc.expect === 'converted' ? 'computes the converted result' : 'emits TENSORJIT_UNTRANSFORMED'}`, () => {
      const dir = makeProject(tc.name.replace(/[^a-z0-9]+/gi, '-'));
      tc.setup(dir);
      const outcome = tc.run(dir);
      const v = judge(tc, outcome);
      assert.ok(v.ok, `${tc.name} in ${dir}: ${v.why}`);
    });
  }
});
