// Step 2: node test/phiml-names/phiml_names.js <checkout> names.json rows.md: checks which tensorjit spellings
// exist in the built package and writes the markdown rows of docs/phiml.md's name map.
const tj = require(process.argv[2]);
const { math, Tensor } = tj;
const d = JSON.parse(require('fs').readFileSync(process.argv[3], 'utf8'));
const REASON = {
  complex: 'complex64 and `fft` / `ifft` exist; this spectral helper (Fourier-space Laplace / Poisson, frequency loss) is not composed yet: write it with `math.fft`, `math.ifft` and the wave numbers',
  sparse: 'no sparse tensors (dense only)',
  layout: 'no non-uniform or Python-object (layout) tensors',
  trees: 'no PhiTreeNode / dataclass machinery: JS objects and arrays are the trees (jit and map take them)',
  backend: 'one runtime (onnxruntime, JS kernels eagerly): no backend selection or native-tensor interop',
  io: 'no tensor file I/O: write `t.data` with `fs`',
  later: 'not yet provided (can be composed from gather / scatter / shift / sort; left for a later round)',
  notyet: 'not yet provided',
  gradients: "gradients are issue 13's work (`math.gradient`, `jacobian`, `stopGradient`, `customGradient`, `minimize`): listed here as provided once they are on main",
  precision: "precision control is the fidelity work's (`math.setPrecision`, `math.precision`): listed as provided once on main",
  filters: "shape filter functions are the fidelity work's; today `shape.nonDual` / `shape.dual` are the members",
  solve: 'no solve classes: `math.solveLinear(f, y, { method, x0, absTol, relTol, maxIterations })` takes the settings, and not converging throws `NotConvergedError` (with `x`, `residual`, `iterations`)',
  extrap: 'extrapolations are plain names or numbers (the `Extrapolation` type), checked where used: there are no objects to convert to',
  decomp: 'no matrix decompositions: ONNX has no eigenvalue / SVD operators',
  gamma: 'no gamma-function kernels (ONNX has none); not yet composed',
  fstring: "ΦML's f-string formatting trick for tensors has no JS counterpart: template literals print tensors",
  mapdeco: 'decorators over Python signatures: apply `math.c2b` / `math.s2b` / … to the arguments instead',
  cat: 'not yet provided: `math.concat(values, dim)` joins along a named dim',
};
const t = math.tensor([1, 2]);
function exists(sp) {
  if (sp === null || sp === undefined) return false;
  const first = sp.split(' ')[0];
  if (sp.includes('(type')) return true;
  if (first.startsWith('math.')) return typeof math[first.slice(5)] !== 'undefined';
  if (first.startsWith('t.')) { const m = /^t\.(\w+)/.exec(first)[1]; return m in t; }
  if (first.startsWith('shape.')) return first.slice(6) in t.shape;
  if (first === 'Shape.EMPTY') return !!tj.Shape.EMPTY;
  if (first === 'console.log(t)') return true;
  return typeof tj[first] !== 'undefined';
}
let covered = 0; const rows = []; const missing = [];
for (const n of d.names) {
  const sp = d.spelling[n];
  const pending = ['gradients', 'precision', 'filters', 'solve'].includes(d.not[n]);
  let ok = (!(n in d.not) || pending) && exists(sp);
  if (ok) {
    covered++;
    const m = /^(.*?)(?: \((.*)\))?$/.exec(sp);
    rows.push(`| \`${n}\` | \`${m[1]}\`${m[2] ? ` (${m[2]})` : ''} |`);
  }
  else {
    const why = d.not[n] ? REASON[d.not[n]] : 'not yet provided';
    rows.push(`| \`${n}\` | not provided: ${why} |`);
    missing.push(n);
  }
}
require('fs').writeFileSync(process.argv[4], rows.join('\n') + '\n');
console.log(`covered ${covered} of ${d.names.length}`);
console.log(missing.filter((n) => !(n in d.not)).join(' '));
