#!/usr/bin/env node
// Runs the mocha suites compiled to dist/test and ends with the one line CI reads:
// `tests: N passed, M failed`. Arguments are passed to mocha's grep (e.g. `node test/run.js jit`).
'use strict';
const path = require('path');
const fs = require('fs');
const Mocha = require('mocha');

const root = path.join(__dirname, '..', 'dist', 'test');
const files = [];
(function walk(dir) {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.test.js')) files.push(p);
  }
})(root);
files.sort();
if (files.length === 0) {
  console.error(`No compiled tests under ${root}: run \`npm run build\` first.`);
  process.exit(1);
}
// The suites are compiled by plain tsc on purpose (they test the runtime without the transformer):
// their jit functions would all warn. test/toolchains/untransformed.test.ts checks the warning itself.
if (process.env.TENSORJIT_UNTRANSFORMED === undefined) process.env.TENSORJIT_UNTRANSFORMED = 'ignore';
const grep = process.argv.slice(2).join(' ');
const mocha = new Mocha({ reporter: 'spec', timeout: 60000, ...(grep ? { grep } : {}) });
files.forEach((f) => mocha.addFile(f));
let passed = 0;
let failed = 0;
const runner = mocha.run((failures) => {
  console.log(`tests: ${passed} passed, ${failed} failed`);
  process.exitCode = failures ? 1 : 0;
});
runner.on('pass', () => passed++);
runner.on('fail', () => failed++);
