/**
 * Temporary user projects for end-to-end tests: a directory with tsconfig.json, sources, and
 * node_modules links to this checkout (as `tensorjit`) and to its TypeScript, so tools resolve
 * `tensorjit/transformer` and `tensorjit/language-service` exactly as in a user's project.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from './harness';

export interface Project {
  readonly dir: string;
  write(rel: string, text: string): void;
  read(rel: string): string;
  remove(): void;
}

export const PLUGINS = [
  { transform: 'tensorjit/transformer' },
  { transform: 'tensorjit/transformer', transformProgram: true },
  { name: 'tensorjit/language-service' },
];

export function makeProject(files: Record<string, string>, compilerOptions: Record<string, unknown> = {}, typescriptDir = 'typescript'): Project {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tensorjit-e2e-'));
  const nm = path.join(dir, 'node_modules');
  fs.mkdirSync(path.join(nm, '@types'), { recursive: true });
  fs.symlinkSync(ROOT, path.join(nm, 'tensorjit'), 'dir');
  fs.symlinkSync(path.join(ROOT, 'node_modules', typescriptDir), path.join(nm, 'typescript'), 'dir');
  fs.symlinkSync(path.join(ROOT, 'node_modules', '@types', 'node'), path.join(nm, '@types', 'node'), 'dir');
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: true,
      rootDir: 'src', outDir: 'out', types: ['node'], plugins: PLUGINS, ...compilerOptions,
    },
    include: ['src'],
  };
  const p: Project = {
    dir,
    write(rel, text) {
      const f = path.join(dir, rel);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, text);
    },
    read: (rel) => fs.readFileSync(path.join(dir, rel), 'utf8'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
  p.write('tsconfig.json', JSON.stringify(tsconfig, null, 2));
  for (const [rel, text] of Object.entries(files)) p.write(rel, text);
  return p;
}

/** A jit function with a one-sided variable (TS93005) at line 6, column 5. */
export const ONE_SIDED = `import { math, spatial, Tensor } from 'tensorjit';

/** @jit */
export function relu(x: Tensor): Tensor {
  let y: Tensor;
  if (x.gt(0)) {
    y = x;
  }
  return y!;
}

/** @jit */
export function ok(x: Tensor): Tensor {
  return x.gt(0) ? x : math.zerosLike(x);
}

console.log(String(ok(math.tensor([-1, 2], spatial('x')))));
`;

export const FIXED = ONE_SIDED.replace('let y: Tensor;', 'let y: Tensor = math.zerosLike(x);');
