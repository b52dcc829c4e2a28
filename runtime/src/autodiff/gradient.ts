/**
 * ΦML's functional autodiff: `math.gradient`, `math.jacobian`, `math.stopGradient`,
 * `math.customGradient` (API.md "Gradients"). Each call of a gradient function traces `f` once
 * (backward.ts), evaluates the graph forward and runs the backward pass with ordinary ops, so it
 * works eagerly, inside jit functions (forward + backward in one ONNX model) and nested.
 */
import { Tensor } from '../tensor';
import { Shape, type Dim } from '../shape';
import { isFloat } from '../dtype';
import { JitError } from '../errors';
import { bind } from '../ops/registry';
import * as mv from '../ops/structure';
import * as ops from '../operations';
import { parseParams } from '../jit/params';
import { wrappedSource } from '../jit/untransformed';
import type { Var } from '../trace/ir';
import { traceForGradient, evalForward, backward, atomValue, fillTemplate, OutRef, InRef, type TracedFunction } from './backward';
import { defineVjp, zerosOf, onesOf } from './rules';
import { stopGradientPrim, customVjpPrim, type CustomVjpParams } from './primitives';

export interface GradientOptions {
  /** Parameters to differentiate: a name, `'a,b'` or `['a', 'b']` (default: the first parameter). */
  readonly wrt?: string | readonly string[];
  /** Also return f's output: `[output, grad]` (default true). */
  readonly getOutput?: boolean;
}

interface Prepared {
  readonly name: string;
  readonly params: readonly string[];
  readonly wrt: readonly number[];
  /** Several names given: the gradients come as an array. */
  readonly several: boolean;
  readonly getOutput: boolean;
}

function prepare(f: Function, options: GradientOptions, api: string): Prepared {
  if (typeof f !== 'function') throw new JitError(`${api} expects a function, got ${f === null ? 'null' : typeof f}`);
  const opts = options ?? {};
  const name = f.name || 'f';
  const params = parseParams(f).filter((p) => !p.rest).map((p) => p.name);
  let names: string[];
  if (opts.wrt === undefined) names = params.length ? [params[0]] : [];
  else if (typeof opts.wrt === 'string') names = opts.wrt.split(',').map((s) => s.trim()).filter(Boolean);
  else if (Array.isArray(opts.wrt)) names = opts.wrt.map((s) => String(s).trim());
  else throw new JitError(`${api}: wrt must be a parameter name, 'a,b' or an array of names, got ${typeof opts.wrt}`);
  if (names.length === 0) throw new JitError(`${api}: ${name} has no parameter to differentiate; give f a parameter and name it in wrt`);
  const wrt = names.map((n) => {
    const i = params.indexOf(n);
    if (i < 0) {
      throw new JitError(`${api}: wrt names '${n}', which is not a parameter of ${name} (parameters: ${params.join(', ') || 'none'}). ` +
        `Use one of those names, e.g. wrt: '${params[0] ?? 'x'}'.`);
    }
    return i;
  });
  const several = typeof opts.wrt === 'string' ? opts.wrt.includes(',') : Array.isArray(opts.wrt) && opts.wrt.length !== 1;
  return { name, params, wrt, several, getOutput: opts.getOutput ?? true };
}

/** The value f's output that is differentiated: the tensor itself or the first item of an array. */
function primaryOutput(result: unknown, api: string, fname: string): OutRef {
  const first = Array.isArray(result) ? result[0] : result;
  if (!(first instanceof OutRef)) {
    throw new JitError(`${api}: ${fname} must return a float tensor, or an array whose first item is one (the rest are auxiliary outputs); it returned ${describe(first)}`);
  }
  return first;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? `a ${v.constructor?.name ?? 'object'}` : `${typeof v} ${String(v)}`;
}

function run(f: (...args: any[]) => unknown, p: Prepared, api: string, args: readonly unknown[]) {
  for (const i of p.wrt) {
    if (args[i] === undefined) throw new JitError(`${api}: parameter '${p.params[i]}' of ${p.name} was not passed, so it cannot be differentiated`);
  }
  const traced = traceForGradient(f, { api, fnName: p.name, paramNames: p.params, args, wrt: p.wrt });
  const env = evalForward(traced.graph, traced.inputs);
  const outs = traced.graph.outputs.map((a) => atomValue(env, a));
  const ref = primaryOutput(traced.result, api, p.name);
  return { traced, env, outs, ref, output: fillTemplate(traced.result, outs) };
}

function wrtVars(traced: TracedFunction): Var[] {
  return traced.wrtLeaves.flat().map((i) => traced.graph.inputs[i]);
}

/** Gradient trees of the differentiated parameters from per-leaf cotangents. */
function gradientTrees(traced: TracedFunction, vars: readonly Var[], cts: readonly Tensor[]): unknown[] {
  const byInput: Tensor[] = [];
  vars.forEach((v, k) => { byInput[traced.graph.inputs.indexOf(v)] = cts[k]; });
  return traced.wrtTrees.map((tree) => fillTemplate(tree, byInput, InRef));
}

/**
 * `math.gradient(f, { wrt, getOutput })`: a function with f's parameters returning
 * `[output, grad]` (or `grad` with `getOutput: false`). f returns a rank-0 float tensor (batch
 * dims are summed, as in ΦML) or an array whose first item is one. `grad` has its parameter's
 * shape; a tree parameter gets a gradient tree; `wrt: 'a,b'` gives an array of gradients.
 */
export function gradient<F extends (...args: any[]) => any>(f: F, options: GradientOptions = {}): (...args: Parameters<F>) => any {
  const p = prepare(f, options, 'math.gradient');
  const g = function (this: unknown, ...args: unknown[]) {
    const { traced, env, outs, ref, output } = run(f, p, 'math.gradient', args);
    const loss = outs[ref.index];
    if (!isFloat(loss.dtype)) {
      throw new JitError(`math.gradient: ${p.name} returned a ${loss.dtype} value ${loss.shape}; the loss must be a float tensor (use math.cast(loss, 'float32'))`);
    }
    if (loss.shape.nonBatch.rank > 0) {
      throw new JitError(
        `math.gradient: ${p.name} returned a loss with shape ${loss.shape}, but a gradient needs a scalar loss (rank 0; batch dims ` +
          `are summed). Reduce it, e.g. math.sum(loss) or math.mean(loss), or use math.jacobian for non-scalar outputs.`);
    }
    const vars = wrtVars(traced);
    const seeds = new Map([[traced.graph.outputs[ref.index], onesOf(loss.shape, loss.dtype)]]);
    const cts = backward(traced.graph, env, seeds, vars);
    const trees = gradientTrees(traced, vars, cts);
    const grad = p.several ? trees : trees[0];
    return p.getOutput ? [output, grad] : grad;
  };
  Object.defineProperty(g, 'name', { value: `gradient(${p.name})` });
  wrappedSource.set(g, wrappedSource.get(f) ?? f);
  return g as any;
}

/**
 * `math.jacobian(f, { wrt, getOutput })`: like `gradient` for non-scalar outputs. The result has the
 * output's dims followed by the parameter's dims (the parameter's dims as they are, so `dot` over
 * them works); an output dim whose name the parameter also has becomes the dual dim `~name`.
 */
export function jacobian<F extends (...args: any[]) => any>(f: F, options: GradientOptions = {}): (...args: Parameters<F>) => any {
  const p = prepare(f, options, 'math.jacobian');
  const j = function (this: unknown, ...args: unknown[]) {
    const { traced, env, outs, ref, output } = run(f, p, 'math.jacobian', args);
    const y = outs[ref.index];
    if (!isFloat(y.dtype)) throw new JitError(`math.jacobian: ${p.name} returned a ${y.dtype} value ${y.shape}; differentiate a float tensor`);
    const vars = wrtVars(traced);
    const m = y.shape.volume;
    const rows: Tensor[][] = [];
    for (let k = 0; k < m; k++) {
      const seed = zerosOf(y.shape, y.dtype);
      (seed._data as Float32Array)[k] = 1;
      rows.push(backward(traced.graph, env, new Map([[traced.graph.outputs[ref.index], seed]]), vars));
    }
    const cts = vars.map((v, i) => jacobianOf(rows.map((r) => r[i]), y.shape, v.shape, p.name));
    const trees = gradientTrees(traced, vars, cts);
    const jac = p.several ? trees : trees[0];
    return p.getOutput ? [output, jac] : jac;
  };
  Object.defineProperty(j, 'name', { value: `jacobian(${p.name})` });
  wrappedSource.set(j, wrappedSource.get(f) ?? f);
  return j as any;
}

/** Stacks the per-output-element gradients into (output dims, parameter dims). */
function jacobianOf(rows: readonly Tensor[], out: Shape, param: Shape, fname: string): Tensor {
  if (out.rank === 0) return rows[0];
  const outDims: Dim[] = out.dims.map((d) => {
    if (!param.has(d.name)) return d;
    const dual = `~${d.name.replace(/^~/, '')}`;
    if (param.has(dual) || out.has(dual)) {
      throw new JitError(`math.jacobian: the output of ${fname} and its parameter both have the dims '${d.name}' and '${dual}'; rename one (math.renameDims)`);
    }
    return { ...d, name: dual, kind: 'dual' };
  });
  const stacked = bind(mv.stack, rows as Tensor[], { dim: { name: '__jacobian', kind: 'instance', size: rows.length } });
  const ordered = ops.transpose(stacked, ['__jacobian', ...param.names]);
  return bind(mv.reshape, [ordered], { shape: new Shape([...outDims, ...param.dims]) });
}

/** `math.stopGradient(x)`: x itself, but no gradient flows through it. */
export function stopGradient(x: Tensor | number): Tensor {
  const t = x instanceof Tensor ? x : ops.cast(x, 'float32');
  return bind(stopGradientPrim, [t], undefined);
}

let customId = 0;

/**
 * `math.customGradient(f, gradient)` (ΦML's `custom_gradient`): a function computing `f`, whose
 * backward pass calls `gradient(inputs, ...y, ...dy)` instead of differentiating f's ops.
 * `inputs` holds f's tensor arguments by parameter name, `y` f's outputs and `dy` their
 * cotangents; it returns the gradients by parameter name (those left out get none).
 */
export function customGradient<F extends (...args: any[]) => any>(
  f: F,
  gradient: (inputs: Record<string, Tensor>, ...yAndDy: Tensor[]) => Record<string, Tensor | undefined> | readonly (Tensor | undefined)[],
): F {
  if (typeof f !== 'function' || typeof gradient !== 'function') throw new JitError('math.customGradient(f, gradient) takes two functions');
  const names = parseParams(f).filter((p) => !p.rest).map((p) => p.name);
  const fname = f.name || 'f';
  const h = function (this: unknown, ...args: unknown[]) {
    const y = f.apply(this, args);
    const several = Array.isArray(y);
    const ys = (several ? y : [y]) as unknown[];
    ys.forEach((v, i) => {
      if (!(v instanceof Tensor)) throw new JitError(`math.customGradient: ${fname} must return tensors; output ${i} is ${describe(v)}`);
    });
    const argIdx = args.map((a, i) => (a instanceof Tensor ? i : -1)).filter((i) => i >= 0);
    const argTensors = argIdx.map((i) => args[i] as Tensor);
    const id = customId++;
    const vjp = (index: number): CustomVjpParams['vjp'] => (ct, ins, outputs) => {
      const inputs: Record<string, Tensor> = {};
      argIdx.forEach((i, k) => { inputs[names[i] ?? `arg${i}`] = ins[k]; });
      const dys = outputs.map((o, k) => (k === index ? ct : zerosOf(o.shape, o.dtype)));
      const res = gradient(inputs, ...outputs, ...dys);
      if (Array.isArray(res)) return argIdx.map((_i, k) => res[k]);
      if (!res || typeof res !== 'object') throw new JitError(`math.customGradient: the gradient function of ${fname} must return gradients by parameter name, e.g. { x: dx }`);
      const r = res as Record<string, Tensor | undefined>;
      for (const k of Object.keys(r)) {
        if (!argIdx.some((i) => names[i] === k)) throw new JitError(`math.customGradient: the gradient function of ${fname} returned '${k}', which is not a tensor parameter of ${fname} (${argIdx.map((i) => names[i]).join(', ')})`);
      }
      return argIdx.map((i) => r[names[i] ?? `arg${i}`]);
    };
    const wrapped = (ys as Tensor[]).map((yi, index) =>
      bind(customVjpPrim, [yi, ...(ys as Tensor[]), ...argTensors], { id, index, count: ys.length, vjp: vjp(index) }));
    return several ? wrapped : wrapped[0];
  };
  Object.defineProperty(h, 'name', { value: fname });
  wrappedSource.set(h, wrappedSource.get(f) ?? f);
  return h as unknown as F;
}

defineVjp('stopGradient', (_ct, ins) => ins.map(() => undefined));
defineVjp('customVjp', (ct, ins, _y, p: CustomVjpParams, cx) => {
  const outputs = ins.slice(1, 1 + p.count);
  const args = ins.slice(1 + p.count);
  if (!cx.needs.slice(1 + p.count).some(Boolean)) return ins.map(() => undefined);
  const argCts = p.vjp(ct, args, outputs);
  return [undefined, ...outputs.map(() => undefined), ...argCts];
});
