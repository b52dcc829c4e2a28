/**
 * (9) One training step of the bench MLP (issue 13): forward, backward and a gradient-descent
 * update, compiled by tensorjit into one ONNX model (`jitCompile` of a function calling
 * `math.gradient`), against jax-js `jit(valueAndGrad(...))` and tfjs `variableGrads`, on the same
 * data. The forward pass alone (the loss) is measured too, for the backward/forward ratio. Every
 * contender computes the updated parameters without feeding them back, so each call does the same
 * work; the output compared across contenders is the updated w2.
 */
import { math, channel, batch, Tensor, type JitFunction } from 'tensorjit';
import type { Contender } from './harness';
import { inputOf, type Input } from './contenders';
import { type TF, type Jax, JAX_VERSION, TF_VERSION } from './peers';
import type { Context, WorkloadResult } from './workloads';
import { compare } from './harness';

const LR = 0.05;

interface Params { w1: Tensor; b1: Tensor; w2: Tensor }

/** Mean over the batch of the squared error summed over the outputs. */
export function mlpLoss(p: Params, x: Tensor, y: Tensor): Tensor {
  const h = math.tanh(math.dot(x, 'in', p.w1, 'in').add(p.b1));
  const d = math.dot(h, 'hidden', p.w2, 'hidden').sub(y);
  return math.mean(math.sum(d.mul(d), 'out'), 'b');
}

export function trainStep(p: Params, x: Tensor, y: Tensor): [Tensor, Params] {
  const [loss, g] = math.gradient(mlpLoss)(p, x, y) as [Tensor, Params];
  return [loss, { w1: p.w1.sub(g.w1.mul(LR)), b1: p.b1.sub(g.b1.mul(LR)), w2: p.w2.sub(g.w2.mul(LR)) }];
}

function tensorjitStep(fun: JitFunction, p: Params, x: Tensor, y: Tensor, name: string): Contender {
  const call = () => { const [, q] = fun(p, x, y) as [Tensor, Params]; return q.w2.data as Float32Array; };
  return { name, kind: 'tensorjit', setup: () => { call(); }, run: call, output: call, teardown: () => fun.forgetTraces() };
}

function tensorjitForward(fun: JitFunction, p: Params, x: Tensor, y: Tensor): Contender {
  return {
    name: 'tensorjit compiled, forward only (loss)', kind: 'tensorjit', note: 'for the backward/forward ratio',
    setup: () => { fun(p, x, y); }, run: () => (fun(p, x, y) as Tensor).data, teardown: () => fun.forgetTraces(),
  };
}

let tfGradients = false;
/**
 * tfjs-core's Node build registers no gradients (the `@tensorflow/tfjs` umbrella package does, from
 * ES modules Node cannot load here): the seven this step needs, as tfjs-core's own
 * `gradients/*_grad` files define them (broadcasting reduced like theirs).
 */
function registerTfGradients(tf: TF): void {
  if (tfGradients) return;
  tfGradients = true;
  const unbroadcast = (t: any, shape: number[]) => {
    const axes = tf.broadcast_util.getReductionAxes(shape, t.shape);
    return tf.reshape(axes.length ? tf.sum(t, axes) : t, shape);
  };
  const reg = (kernelName: string, cfg: any) => tf.registerGradient({ kernelName, ...cfg });
  reg('Reshape', { inputsToSave: ['x'], gradFunc: (dy: any, [x]: any[]) => ({ x: () => tf.reshape(dy, x.shape) }) });
  reg('BatchMatMul', {
    inputsToSave: ['a', 'b'],
    gradFunc: (dy: any, [a, b]: any[], attrs: any) => {
      if (attrs.transposeA || attrs.transposeB) throw new Error('bench: transposed matMul gradient not registered');
      return { a: () => tf.matMul(dy, b, false, true), b: () => tf.matMul(a, dy, true, false) };
    },
  });
  reg('Add', { inputsToSave: ['a', 'b'], gradFunc: (dy: any, [a, b]: any[]) => ({ a: () => unbroadcast(dy, a.shape), b: () => unbroadcast(dy, b.shape) }) });
  reg('Sub', { inputsToSave: ['a', 'b'], gradFunc: (dy: any, [a, b]: any[]) => ({ a: () => unbroadcast(dy, a.shape), b: () => unbroadcast(tf.neg(dy), b.shape) }) });
  reg('Multiply', { inputsToSave: ['a', 'b'], gradFunc: (dy: any, [a, b]: any[]) => ({ a: () => unbroadcast(tf.mul(dy, b), a.shape), b: () => unbroadcast(tf.mul(dy, a), b.shape) }) });
  reg('Tanh', { outputsToSave: [true], gradFunc: (dy: any, [y]: any[]) => ({ x: () => tf.mul(tf.sub(tf.scalar(1), tf.square(y)), dy) }) });
  reg('Sum', {
    inputsToSave: ['x'],
    gradFunc: (dy: any, [x]: any[], attrs: any) => {
      const shape = x.shape.slice();
      for (const ax of tf.util.parseAxisParam(attrs.axis, x.shape)) shape[ax] = 1;
      return { x: () => tf.mul(tf.reshape(dy, shape), tf.ones(x.shape)) };
    },
  });
}

function tfStep(tf: TF | undefined, backend: 'cpu' | 'wasm', ins: Record<string, Input>): Contender {
  let vars: any = {};
  let x: any, y: any;
  const make = async () => {
    if (tf!.getBackend() !== backend) await tf!.setBackend(backend);
    vars = Object.fromEntries(['w1', 'b1', 'w2'].map((k) => [k, tf!.variable(tf!.tensor(ins[k].data, ins[k].shape, 'float32'))]));
    x = tf!.tensor(ins.x.data, ins.x.shape, 'float32');
    y = tf!.tensor(ins.y.data, ins.y.shape, 'float32');
  };
  const drop = () => { for (const v of Object.values(vars)) (v as any).dispose(); x?.dispose(); y?.dispose(); vars = {}; };
  const call = () => tf!.tidy(() => {
    const { grads } = tf!.variableGrads(() => {
      const h = tf!.tanh(tf!.add(tf!.matMul(x, vars.w1), vars.b1));
      const d = tf!.sub(tf!.matMul(h, vars.w2), y);
      return tf!.mul(tf!.sum(tf!.mul(d, d)), 1 / ins.x.shape[0]) as any;
    });
    // grads are keyed by the variables' names
    const next = Object.fromEntries(['w1', 'b1', 'w2'].map((k) => [k, tf!.sub(vars[k], tf!.mul(grads[vars[k].name], LR))]));
    return next.w2.dataSync() as Float32Array;
  });
  return {
    name: `TensorFlow.js ${backend} variableGrads`, kind: 'peer', version: TF_VERSION(), note: 'eager tape autodiff',
    setup() {
      if (!tf) throw new Error('@tensorflow/tfjs-core is not installed');
      registerTfGradients(tf);
    },
    before: make, after: drop, run: call,
    async output() { await make(); try { return call(); } finally { drop(); } },
  };
}

function jaxStep(jax: Jax | undefined, ins: Record<string, Input>): Contender {
  let args: any = {};
  let f: any;
  const call = () => {
    const out = f({ w1: args.w1.ref, b1: args.b1.ref, w2: args.w2.ref }, args.x.ref, args.y.ref);
    const d = out[1].w2.dataSync() as Float32Array;
    out[0].dispose(); out[1].w1.dispose(); out[1].b1.dispose();
    return d;
  };
  return {
    name: 'jax-js jit(valueAndGrad) (wasm)', kind: 'peer', version: JAX_VERSION(), note: 'jit of forward + backward + update, wasm kernels',
    setup() {
      if (!jax) throw new Error('@jax-js/jax is not installed');
      const np = jax.numpy;
      args = Object.fromEntries(Object.entries(ins).map(([k, i]) => [k, np.array(i.data, { shape: i.shape })]));
      const B = ins.x.shape[0];
      const loss = (p: any, x: any, y: any) => {
        const h = np.tanh(np.add(np.matmul(x, p.w1), p.b1));
        const d = np.subtract(np.matmul(h, p.w2), y);
        return np.divide(np.sum(np.multiply(d.ref, d)), B);
      };
      f = jax.jit((p: any, x: any, y: any) => {
        const [l, g] = jax.valueAndGrad(loss)({ w1: p.w1.ref, b1: p.b1.ref, w2: p.w2.ref }, x, y);
        const up = (k: string) => np.subtract(p[k], np.multiply(g[k], LR));
        return [l, { w1: up('w1'), b1: up('b1'), w2: up('w2') }];
      });
    },
    run: call, output: call,
    teardown() { for (const a of Object.values(args)) (a as any).dispose(); f?.dispose?.(); },
  };
}

export async function training(ctx: Context): Promise<WorkloadResult[]> {
  const [B, I, H, O] = ctx.quick ? [16, 32, 64, 8] : [256, 256, 512, 64];
  math.seed(3);
  const x = math.randomNormal(batch({ b: B }), channel({ in: I }));
  const y = math.randomNormal(batch({ b: B }), channel({ out: O }));
  const p: Params = {
    w1: math.randomNormal(channel({ in: I, hidden: H }), { std: 1 / Math.sqrt(I) }),
    b1: math.randomNormal(channel({ hidden: H }), { std: 0.1 }),
    w2: math.randomNormal(channel({ hidden: H, out: O }), { std: 1 / Math.sqrt(H) }),
  };
  const ins = { x: inputOf(x), y: inputOf(y), w1: inputOf(p.w1), b1: inputOf(p.b1), w2: inputOf(p.w2) };
  const step = math.jitCompile(trainStep, { name: 'trainStep' });
  const forward = math.jitCompile(mlpLoss, { name: 'mlpLoss' });
  const cs: Contender[] = [
    tensorjitStep(step, p, x, y, 'tensorjit compiled step'),
    tensorjitForward(forward, p, x, y),
    tfStep(ctx.tf, 'cpu', ins),
    tfStep(ctx.tf, 'wasm', ins),
    jaxStep(ctx.jax, ins),
  ];
  const title = `(9) MLP training step (forward + backward + update), batch ${B}, ${I}→${H}→${O}, tanh, squared error`;
  ctx.log(title);
  const kept = cs.filter((c, i) => i === 0 || !ctx.skip?.test(c.name));
  // the step's ONNX size, before the contenders release their sessions
  step(p, x, y);
  const entry = step.traces[0];
  const fwdOps = (forward(p, x, y), forward.traces[0].ops);
  const rs = await compare(kept, { ...ctx.opts, log: ctx.log });
  const stepMs = rs[0].medianMs;
  const fwdMs = rs.find((r) => r.name.startsWith('tensorjit compiled, forward'))?.medianMs ?? NaN;
  const flopsFwd = 2 * B * (I * H + H * O);
  return [{
    number: 9, id: 'training', title: 'MLP training step: math.gradient compiled into one ONNX model',
    params: { batch: B, layers: `${I}→${H}→${O}`, activation: 'tanh', loss: 'mean squared error', learningRate: LR, stepOps: entry.ops, forwardOps: fwdOps },
    baseline: rs[0].name, contenders: rs,
    reference: {
      what: 'backward/forward time ratio of the compiled step ((step - forward) / forward; about 2 is the FLOP ratio of a dense layer’s backward)',
      backwardOverForward: +((stepMs - fwdMs) / fwdMs).toFixed(2),
      stepOverForward: +(stepMs / fwdMs).toFixed(2),
      flopsForward: flopsFwd,
      flopsStep: 3 * flopsFwd,
    },
  }];
}
