/**
 * The benchmarked functions, written once per library. The tensorjit versions of the element-wise
 * chain, the MLP and the simulation are the ones of bench/cuda-check.ts (whose CUDA results
 * docs/performance.md quotes); the peers compute the same values (checked in every run).
 */
import { math as defaultMath, Tensor } from 'tensorjit';
import type { TF, Jax } from './peers';

type TfTensor = import('@tensorflow/tfjs-core').Tensor;
type JaxArray = import('@jax-js/jax').Array;

type MathNs = typeof defaultMath;

/**
 * The tensorjit functions, for a given `math` namespace (another build of tensorjit can be passed,
 * to compare two versions side by side: bench/ab.ts).
 */
export function tensorjitFunctions(math: MathNs) {
  const chain = (x: Tensor) => math.where(x.gt(0), x.mul(2).sin(), x.neg().exp().mul(0.5)).tanh().add(x.abs().sqrt());
  const mlp = (x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor) =>
    math.dot(math.tanh(math.dot(x, 'in', w1, 'in').add(b1)), 'hidden', w2, 'hidden').tanh();
  const simulate = (steps: number) => (u: Tensor, v: Tensor, c: Tensor) => {
    let q = c;
    for (let s = 0; s < steps; s++) {
      const g = math.spatialGradient(q, { padding: 'periodic' });
      const adv = u.mul(g.get({ gradient: 'x' })).add(v.mul(g.get({ gradient: 'y' })));
      q = q.add(math.laplace(q, { padding: 'periodic' }).mul(0.1).sub(adv.mul(0.05)));
    }
    return q;
  };
  return { double, chain, mlp, simulate, opChain, sumTree };
}

// --- (1) dispatch: x * 2 on a scalar ---------------------------------------------------------------
export const double = (x: Tensor) => x.mul(2);
export const tfDouble = (tf: TF) => (x: TfTensor) => tf.mul(x, 2);
export const jaxDouble = (_: Jax) => (x: JaxArray) => x.mul(2);

// --- (2) element-wise chain with where ---------------------------------------------------------------
export const { chain, mlp, simulate } = tensorjitFunctions(defaultMath);
export const tfChain = (tf: TF) => (x: TfTensor) =>
  tf.add(tf.tanh(tf.where(tf.greater(x, 0), tf.sin(tf.mul(x, 2)), tf.mul(tf.exp(tf.neg(x)), 0.5))), tf.sqrt(tf.abs(x)));
export const jaxChain = (jax: Jax) => {
  const np = jax.numpy;
  // jax-js arrays are reference counted with move semantics: every use but the last takes `.ref`
  return (x: JaxArray) => {
    const pos = np.greater(x.ref, 0);
    const a = np.sin(np.multiply(x.ref, 2));
    const b = np.multiply(np.exp(np.negative(x.ref)), 0.5);
    return np.add(np.tanh(np.where(pos, a, b)), np.sqrt(np.abs(x)));
  };
};

// --- (3) MLP inference: tanh(tanh(x·W1 + b1)·W2) -----------------------------------------------------
export const tfMlp = (tf: TF) => (x: TfTensor, w1: TfTensor, b1: TfTensor, w2: TfTensor) =>
  tf.tanh(tf.matMul(tf.tanh(tf.add(tf.matMul(x, w1), b1)), w2));
export const jaxMlp = (jax: Jax) => {
  const np = jax.numpy;
  return (x: JaxArray, w1: JaxArray, b1: JaxArray, w2: JaxArray) => np.tanh(np.matmul(np.tanh(np.add(np.matmul(x, w1), b1)), w2));
};

// --- (4) simulation: advection–diffusion of c by (u, v), periodic, `steps` explicit steps ---------------
export const tfSimulate = (tf: TF, steps: number) => (u: TfTensor, v: TfTensor, c: TfTensor) => {
  // periodic shift: out[i] = q[(i + o) mod n] along axis, as slices + concat (tfjs has no roll)
  const roll = (q: TfTensor, axis: 0 | 1, o: 1 | -1) => {
    const n = q.shape[axis]!;
    const begin = (i: number) => (axis === 0 ? [i, 0] : [0, i]);
    const size = (k: number) => (axis === 0 ? [k, -1] : [-1, k]);
    return o === 1
      ? tf.concat([tf.slice(q, begin(1), size(n - 1)), tf.slice(q, begin(0), size(1))], axis)
      : tf.concat([tf.slice(q, begin(n - 1), size(1)), tf.slice(q, begin(0), size(n - 1))], axis);
  };
  let q = c;
  for (let s = 0; s < steps; s++) {
    const xp = roll(q, 0, 1), xm = roll(q, 0, -1), yp = roll(q, 1, 1), ym = roll(q, 1, -1);
    const gx = tf.div(tf.sub(xp, xm), 2), gy = tf.div(tf.sub(yp, ym), 2);
    const adv = tf.add(tf.mul(u, gx), tf.mul(v, gy));
    const lap = tf.add(tf.sub(tf.add(xp, xm), tf.mul(q, 2)), tf.sub(tf.add(yp, ym), tf.mul(q, 2)));
    q = tf.add(q, tf.sub(tf.mul(lap, 0.1), tf.mul(adv, 0.05)));
  }
  return q;
};
export const jaxSimulate = (jax: Jax, steps: number) => {
  const np = jax.numpy;
  return (u: JaxArray, v: JaxArray, c: JaxArray) => {
    let q = c;
    for (let s = 0; s < steps; s++) {
      const last = s === steps - 1;
      const xp = np.roll(q.ref, -1, 0), xm = np.roll(q.ref, 1, 0), yp = np.roll(q.ref, -1, 1), ym = np.roll(q.ref, 1, 1);
      const gx = np.divide(np.subtract(xp.ref, xm.ref), 2), gy = np.divide(np.subtract(yp.ref, ym.ref), 2);
      const adv = np.add(np.multiply(last ? u : u.ref, gx), np.multiply(last ? v : v.ref, gy));
      const lap = np.add(np.subtract(np.add(xp, xm), np.multiply(q.ref, 2)), np.subtract(np.add(yp, ym), np.multiply(q.ref, 2)));
      q = np.add(q, np.subtract(np.multiply(lap, 0.1), np.multiply(adv, 0.05)));
    }
    return q;
  };
};

// --- (5) first call: a chain of n element-wise ops ------------------------------------------------------
/** n element-wise ops (mul, add, sin, sub in turn); `salt` changes a constant so no cache can match. */
export function opChain(n: number, salt = 0) {
  return (x: Tensor) => {
    let y = x;
    for (let i = 0; i < n; i++) {
      switch (i % 4) {
        case 0: y = y.mul(1.0001 + salt); break;
        case 1: y = y.add(0.001); break;
        case 2: y = y.sin(); break;
        default: y = y.sub(0.0005);
      }
    }
    return y;
  };
}
export const tfOpChain = (tf: TF, n: number) => (x: TfTensor) => {
  let y = x;
  for (let i = 0; i < n; i++) {
    switch (i % 4) {
      case 0: y = tf.mul(y, 1.0001); break;
      case 1: y = tf.add(y, 0.001); break;
      case 2: y = tf.sin(y); break;
      default: y = tf.sub(y, 0.0005);
    }
  }
  return y;
};
export const jaxOpChain = (jax: Jax, n: number, salt: number) => {
  const np = jax.numpy;
  return (x: JaxArray) => {
    let y = x;
    for (let i = 0; i < n; i++) {
      switch (i % 4) {
        case 0: y = np.multiply(y, 1.0001 + salt); break;
        case 1: y = np.add(y, 0.001); break;
        case 2: y = np.sin(y); break;
        default: y = np.subtract(y, 0.0005);
      }
    }
    return y;
  };
};

// --- (6) cache hits with a larger argument tree ----------------------------------------------------------
export function sumTree(tree: Record<string, Tensor>): Tensor {
  let acc: Tensor | undefined;
  for (const k of Object.keys(tree)) acc = acc ? acc.add(tree[k]) : tree[k];
  return acc!.mul(0.1);
}
export const jaxSumTree = (jax: Jax) => {
  const np = jax.numpy;
  return (tree: Record<string, JaxArray>) => {
    let acc: JaxArray | undefined;
    for (const k of Object.keys(tree)) acc = acc ? np.add(acc, tree[k]) : tree[k];
    return np.multiply(acc!, 0.1);
  };
};
