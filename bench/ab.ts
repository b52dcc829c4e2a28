/**
 * Before/after: this build of tensorjit against another build (e.g. an earlier commit), compiled
 * calls interleaved in one process on the same inputs. How the ratios of the optimisations in
 * docs/performance.md were measured.
 *
 *   git archive <commit> runtime package.json tsconfig.base.json | tar -x -C /tmp/before
 *   ln -s "$PWD/node_modules" /tmp/before/node_modules && (cd /tmp/before && npx tsc -b runtime)
 *   node --expose-gc dist/bench/ab.js /tmp/before [dispatch,elementwise,mlp,simulation,tree,first-call-200,…]
 */
import * as path from 'path';
import * as thisBuild from 'tensorjit';
import { compare, fmtMs, type Contender } from './harness';
import { tensorjitFunctions } from './functions';

type Lib = typeof thisBuild;

interface Case { name: string; make: (lib: Lib) => { fn: (...a: any[]) => any; args: unknown[] }; firstCall?: boolean }

/** Same values in every build: generated once with this build, copied into the other one. */
function data(seed: number, shape: Record<string, number>, std = 1): Float32Array {
  thisBuild.math.seed(seed);
  return thisBuild.math.randomNormal(thisBuild.spatial(shape), { std }).data as Float32Array;
}

const D = {
  x: data(1, { x: 1000, y: 1000 }),
  mlp: [data(2, { a: 256 * 256 }), data(3, { a: 256 * 512 }, 1 / 16), data(4, { a: 512 }, 0.1), data(5, { a: 512 * 64 }, 1 / 22)],
  sim: [data(6, { a: 65536 }, 0.3), data(7, { a: 65536 }, 0.3), data(8, { a: 65536 }, 0.5)],
  small: data(9, { x: 100 }),
};

const CASES: Case[] = [
  { name: 'dispatch', make: (l) => ({ fn: tensorjitFunctions(l.math).double, args: [l.math.tensor(3)] }) },
  { name: 'elementwise', make: (l) => ({ fn: tensorjitFunctions(l.math).chain, args: [l.math.tensor(D.x, l.spatial({ x: 1000, y: 1000 }))] }) },
  {
    name: 'mlp',
    make: (l) => ({
      fn: tensorjitFunctions(l.math).mlp,
      args: [l.math.tensor(D.mlp[0], l.batch({ b: 256 }), l.channel({ in: 256 })), l.math.tensor(D.mlp[1], l.channel({ in: 256, hidden: 512 })),
        l.math.tensor(D.mlp[2], l.channel({ hidden: 512 })), l.math.tensor(D.mlp[3], l.channel({ hidden: 512, out: 64 }))],
    }),
  },
  { name: 'simulation', make: (l) => ({ fn: tensorjitFunctions(l.math).simulate(10), args: D.sim.map((d) => l.math.tensor(d, l.spatial({ x: 256, y: 256 }))) }) },
  {
    name: 'tree',
    make: (l) => ({ fn: tensorjitFunctions(l.math).sumTree, args: [Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`a${i}`, l.math.tensor(D.small, l.spatial({ x: 100 }))]))] }),
  },
  ...[20, 200, 2000].map((n): Case => ({ name: `first-call-${n}`, firstCall: true, make: (l) => ({ fn: tensorjitFunctions(l.math).opChain(n), args: [l.math.tensor(D.small, l.spatial({ x: 100 }))] }) })),
];

function contender(label: string, lib: Lib, c: Case): Contender {
  const { fn, args } = c.make(lib);
  if (c.firstCall) {
    let f: any;
    return {
      name: label, kind: 'tensorjit', singleShot: true,
      before: () => { f = lib.math.jitCompile(fn); }, run: () => f(...args).data, after: () => f.forgetTraces(),
      output: () => { const g = lib.math.jitCompile(fn); try { return g(...args).data; } finally { g.forgetTraces(); } },
    };
  }
  const f = lib.math.jitCompile(fn);
  return { name: label, kind: 'tensorjit', setup: () => { f(...args); }, run: () => f(...args).data, output: () => f(...args).data, teardown: () => f.forgetTraces() };
}

async function main(): Promise<void> {
  const otherRoot = process.argv[2];
  if (!otherRoot) throw new Error('usage: ab.js OTHER_CHECKOUT [case,…]');
  const other: Lib = require(path.resolve(otherRoot, 'dist', 'runtime', 'index.js'));
  const only = process.argv[3]?.split(',');
  console.log(`this build (${path.resolve(__dirname, '..', 'runtime')}) vs other (${path.resolve(otherRoot)}); ratio = other / this`);
  for (const c of CASES) {
    if (only && !only.includes(c.name)) continue;
    const rs = await compare([contender('this', thisBuild, c), contender('other', other, c)], {
      sampleMs: 20, warmupMs: 300, rounds: c.firstCall ? 31 : 21, minRounds: 7, budgetMs: 20000, settleMs: c.firstCall ? 20 : 0,
    });
    const [a, b] = rs;
    console.log(`${c.name.padEnd(16)} this ${fmtMs(a.medianMs).padStart(9)}  other ${fmtMs(b.medianMs).padStart(9)}  other/this ${b.ratioToBaseline?.toFixed(2)}×  max|diff| ${b.maxAbsDiff?.toExponential(1)}${a.error || b.error ? `  error: ${a.error ?? b.error}` : ''}`);
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
