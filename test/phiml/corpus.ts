/**
 * A corpus of small expressions written twice: in ΦML (Python, evaluated by the real ΦML 1.15.1)
 * and in tensorjit. `compare.ts` runs both and counts how many print the same text, eagerly and
 * compiled. The TypeScript side uses `any` so the corpus also compiles against older versions
 * (to measure before/after).
 *
 * Shared values (defined in both languages): x = (1, 2, 3) along xˢ (floats), y = (10, 20) along
 * yˢ, b = (100, 200) along bᵇ, v = (u=1, v=2) (a channel tensor), i3 = int64 (1, 2, 3) along xˢ,
 * m = [[1, 2], [3, 4]] (outᶜ, inᶜ), xb2 = [[1, 0], [0, 1], [1, 1]] (bᵇ, inᶜ).
 */
export interface Env {
  math: any;
  spatial: any; batch: any; channel: any; instance: any; dual: any; vec: any;
  x: any; y: any; b: any; v: any; i3: any; m: any; xb2: any;
}

export interface Case {
  /** Python expression (ΦML), evaluated with the shared values in scope. */
  py: string;
  /** The same in tensorjit; returns a tensor. */
  ts: (e: Env) => any;
  /** Evaluate under this global precision (ΦML's `math.precision(64)`). */
  precision?: 64;
}

const c = (py: string, ts: (e: Env) => any, precision?: 64): Case => ({ py, ts, precision });

export const CORPUS: Case[] = [
  // --- creation and printing ---
  c("math.tensor(1.5)", (e) => e.math.tensor(1.5)),
  c("math.tensor(1/3)", (e) => e.math.tensor(1 / 3)),
  c("math.tensor(1e-7)", (e) => e.math.tensor(1e-7)),
  c("math.tensor(123456789.)", (e) => e.math.tensor(123456789)),
  c("math.tensor(10)", (e) => e.math.tensor(10n)),
  c("math.tensor(True)", (e) => e.math.tensor(true)),
  c("math.tensor([1., 2, 3])", (e) => e.math.tensor([1, 2, 3])),
  c("x", (e) => e.x),
  c("i3", (e) => e.i3),
  c("v", (e) => e.v),
  c("math.tensor([[1., 2], [3, 4]], batch('b'), channel(vector='x,y'))", (e) => e.math.tensor([[1, 2], [3, 4]], e.batch('b'), e.channel({ vector: 'x,y' }))),
  c("math.tensor([[1., 2], [3, 4]], spatial('x,y'))", (e) => e.math.tensor([[1, 2], [3, 4]], e.spatial('x,y'))),
  c("math.tensor([[1., 2, 3], [4, 5, 6]], channel('c'), spatial('x'))", (e) => e.math.tensor([[1, 2, 3], [4, 5, 6]], e.channel('c'), e.spatial('x'))),
  c("math.tensor([[1., 2, 3], [4, 5, 6]], spatial('x'), batch('b'))", (e) => e.math.tensor([[1, 2, 3], [4, 5, 6]], e.spatial('x'), e.batch('b'))),
  c("math.tensor([[1., 2, 3], [4, 5, 6]], channel('a'), channel('b'))", (e) => e.math.tensor([[1, 2, 3], [4, 5, 6]], e.channel('a'), e.channel('b'))),
  c("math.tensor([[1, 2, 3], [4, 5, 6]], channel('a'), channel(b='p,q,r'))", (e) => e.math.tensor([[1n, 2n, 3n], [4n, 5n, 6n]], e.channel('a'), e.channel({ b: 'p,q,r' }))),
  c("math.zeros(spatial(x=3))", (e) => e.math.zeros(e.spatial({ x: 3 }))),
  c("math.zeros(spatial(x=2), batch(b=3))", (e) => e.math.zeros(e.spatial({ x: 2 }), e.batch({ b: 3 }))),
  c("math.ones(spatial(x=8))", (e) => e.math.ones(e.spatial({ x: 8 }))),
  c("math.ones(batch(b=2), channel(vector='x,y'), dtype=int)", (e) => e.math.ones(e.batch({ b: 2 }), e.channel({ vector: 'x,y' }), { dtype: 'int32' })), // ΦML's dtype=int is int32
  c("math.range(spatial(x=10))", (e) => e.math.range(e.spatial({ x: 10 }))),
  c("math.range(spatial(x=10)) > 6", (e) => e.math.range(e.spatial({ x: 10 })).gt(6)),
  c("math.linspace(0, 1, spatial(x=5))", (e) => e.math.linspace(0, 1, e.spatial({ x: 5 }))),
  c("math.tensor([0.5, 1e-5])", (e) => e.math.tensor([0.5, 1e-5])),
  c("math.tensor([float('nan')] * 8, spatial('x'))", (e) => e.math.tensor(Array(8).fill(NaN), e.spatial('x'))),
  c("math.tensor([float('inf')] * 8, spatial('x'))", (e) => e.math.tensor(Array(8).fill(Infinity), e.spatial('x'))),
  c("math.tensor([float('-inf')] * 8, spatial('x'))", (e) => e.math.tensor(Array(8).fill(-Infinity), e.spatial('x'))),
  c("math.tensor([1., 2, 3, 4, 5, 6, 7, float('nan')], spatial('x'))", (e) => e.math.tensor([1, 2, 3, 4, 5, 6, 7, NaN], e.spatial('x'))),
  c("math.tensor([1., 2, 3, 4, 5, 6, 7, float('inf')], spatial('x'))", (e) => e.math.tensor([1, 2, 3, 4, 5, 6, 7, Infinity], e.spatial('x'))),
  c("math.tensor([[1., 2, 3], [4, 5, 6]], channel('a'), channel('b')) * 2", (e) => e.math.tensor([[1, 2, 3], [4, 5, 6]], e.channel('a'), e.channel('b')).mul(2)),
  c("math.zeros(channel(a=2), channel(b=3), spatial(x=2))", (e) => e.math.zeros(e.channel({ a: 2 }), e.channel({ b: 3 }), e.spatial({ x: 2 }))),
  c("math.ones(spatial(x=3), channel(vector='u,v'), channel(c=2))", (e) => e.math.ones(e.spatial({ x: 3 }), e.channel({ vector: 'u,v' }), e.channel({ c: 2 }))),
  // --- broadcasting and dim order ---
  c("x + b", (e) => e.x.add(e.b)),
  c("b + x", (e) => e.b.add(e.x)),
  c("x + y", (e) => e.x.add(e.y)),
  c("y + x", (e) => e.y.add(e.x)),
  c("x * b", (e) => e.x.mul(e.b)),
  c("v + b", (e) => e.v.add(e.b)),
  c("(x + b) + v", (e) => e.x.add(e.b).add(e.v)),
  c("v + (x + b)", (e) => e.v.add(e.x.add(e.b))),
  c("y + (x + b)", (e) => e.y.add(e.x.add(e.b))),
  c("(x + b) + (y + v)", (e) => e.x.add(e.b).add(e.y.add(e.v))),
  c("(y + v) + (x + b)", (e) => e.y.add(e.v).add(e.x.add(e.b))),
  c("(x + b) - (b + x)", (e) => e.x.add(e.b).sub(e.b.add(e.x))),
  c("x > b", (e) => e.x.gt(e.b)),
  c("math.maximum(x, b)", (e) => e.math.maximum(e.x, e.b)),
  c("math.where(x > 1, b, v)", (e) => e.math.where(e.x.gt(1), e.b, e.v)),
  c("math.where(x > 1, y, 0.)", (e) => e.math.where(e.x.gt(1), e.y, 0)),
  c("math.dot(m, 'in', xb2, 'in')", (e) => e.math.dot(e.m, 'in', e.xb2, 'in')),
  c("math.dot(xb2, 'in', m, 'in')", (e) => e.math.dot(e.xb2, 'in', e.m, 'in')),
  c("math.dot(x + b + v, 'vector', v + b, 'vector')", (e) => e.math.dot(e.x.add(e.b).add(e.v), 'vector', e.v.add(e.b), 'vector')),
  c("math.stack([x, x], batch('s'))", (e) => e.math.stack([e.x, e.x], e.batch('s'))),
  c("math.stack([x, x], channel('c'))", (e) => e.math.stack([e.x, e.x], e.channel('c'))),
  c("math.stack([x, x], spatial('s'))", (e) => e.math.stack([e.x, e.x], e.spatial('s'))),
  c("math.stack([x + b, x + b], instance('i'))", (e) => e.math.stack([e.x.add(e.b), e.x.add(e.b)], e.instance('i'))),
  c("math.stack({'a': x, 'b': x * 2}, channel('c'))", (e) => e.math.stack({ a: e.x, b: e.x.mul(2) }, e.channel('c'))),
  c("math.stack([x], instance('i'))", (e) => e.math.stack([e.x], e.instance('i'))),
  c("math.stack([x, b], channel('c'), expand_values=True)", (e) => e.math.stack([e.x, e.b], e.channel('c'), { expandValues: true })),
  c("math.stack([x, y], channel('c'), expand_values=True)", (e) => e.math.stack([e.x, e.y], e.channel('c'), { expandValues: true })),
  c("math.expand(x, batch(b=2))", (e) => e.math.expand(e.x, e.batch({ b: 2 }))),
  c("math.expand(x, channel(c=2))", (e) => e.math.expand(e.x, e.channel({ c: 2 }))),
  c("math.expand(x + b, instance(i=2))", (e) => e.math.expand(e.x.add(e.b), e.instance({ i: 2 }))),
  c("math.expand(x + b, spatial(y=2), batch(b=2))", (e) => e.math.expand(e.x.add(e.b), e.spatial({ y: 2 }), e.batch({ b: 2 }))),
  c("math.rename_dims(x + y, 'x', batch('b'))", (e) => e.math.renameDims(e.x.add(e.y), 'x', e.batch('b'))),
  c("math.rename_dims(x + y, 'y', channel('c'))", (e) => e.math.renameDims(e.x.add(e.y), 'y', e.channel('c'))),
  c("math.rename_dims(v, 'vector', batch('b'))", (e) => e.math.renameDims(e.v, 'vector', e.batch('b'))),
  c("math.rename_dims(v, 'vector', 'c')", (e) => e.math.renameDims(e.v, 'vector', 'c')),
  c("math.pack_dims(x + y + b, 'x,y', instance('p'))", (e) => e.math.packDims(e.x.add(e.y).add(e.b), 'x,y', e.instance('p'))),
  c("math.pack_dims(b + x + y, 'y', spatial('p'))", (e) => e.math.packDims(e.b.add(e.x).add(e.y), 'y', e.spatial('p'))),
  c("math.unpack_dim(math.pack_dims(x + y + b, 'x,y', instance('p')), 'p', spatial(x=3, y=2))", (e) => e.math.unpackDim(e.math.packDims(e.x.add(e.y).add(e.b), 'x,y', e.instance('p')), 'p', e.spatial({ x: 3, y: 2 }))),
  c("math.concat([x + b, x + b], 'x')", (e) => e.math.concat([e.x.add(e.b), e.x.add(e.b)], 'x')),
  c("math.concat([b + x, x + b], 'x')", (e) => e.math.concat([e.b.add(e.x), e.x.add(e.b)], 'x')),
  c("math.sum(x + y + b, 'y')", (e) => e.math.sum(e.x.add(e.y).add(e.b), 'y')),
  c("math.std(x + y + b, 'x')", (e) => e.math.std(e.x.add(e.y).add(e.b), 'x')),
  c("math.clip(x, b / 100, 1.5)", (e) => e.math.clip(e.x, e.b.div(100), 1.5)),
  // --- dtypes and precision ---
  c("math.wrap(np.array([1., 2.]), spatial('x')) * 2", (e) => e.math.wrap(new Float64Array([1, 2]), e.spatial('x')).mul(2)),
  c("math.wrap(np.array([1., 2.]), spatial('x')) + x[:2]", (e) => e.math.wrap(new Float64Array([1, 2]), e.spatial('x')).add(e.x.get({ x: [0, 2] }))),
  c("math.sin(math.wrap(np.array([1., 2.]), spatial('x')))", (e) => e.math.sin(e.math.wrap(new Float64Array([1, 2]), e.spatial('x')))),
  c("math.sum(math.wrap(np.array([1., 2.]), spatial('x')))", (e) => e.math.sum(e.math.wrap(new Float64Array([1, 2]), e.spatial('x')))),
  c("-math.wrap(np.array([1., 2.]), spatial('x'))", (e) => e.math.wrap(new Float64Array([1, 2]), e.spatial('x')).neg()),
  c("math.floor(math.wrap(np.array([1.5, 2.]), spatial('x')))", (e) => e.math.floor(e.math.wrap(new Float64Array([1.5, 2]), e.spatial('x')))),
  c("math.concat([math.wrap(np.array([1., 2.]), spatial('x'))] * 2, 'x')", (e) => e.math.concat([e.math.wrap(new Float64Array([1, 2]), e.spatial('x')), e.math.wrap(new Float64Array([1, 2]), e.spatial('x'))], 'x')),
  c("math.maximum(math.wrap(np.array([1., 2.]), spatial('x')), math.wrap(np.array([1., 2.]), spatial('x')))", (e) => e.math.maximum(e.math.wrap(new Float64Array([1, 2]), e.spatial('x')), e.math.wrap(new Float64Array([1, 2]), e.spatial('x')))),
  c("math.clip(math.wrap(np.array([1., 2.]), spatial('x')), 0, 1.5)", (e) => e.math.clip(e.math.wrap(new Float64Array([1, 2]), e.spatial('x')), 0, 1.5)),
  c("x * 2", (e) => e.x.mul(2), 64),
  c("math.tensor([1., 2.])", (e) => e.math.tensor([1, 2]), 64),
  c("math.zeros(spatial(x=2))", (e) => e.math.zeros(e.spatial({ x: 2 })), 64),
  c("math.linspace(0, 1, spatial(x=3))", (e) => e.math.linspace(0, 1, e.spatial({ x: 3 })), 64),
  c("math.tensor(1/3)", (e) => e.math.tensor(1 / 3), 64),
  c("math.wrap(np.array([1., 2.], np.float32), spatial('x')) + 1.5", (e) => e.math.wrap(new Float32Array([1, 2]), e.spatial('x')).add(1.5), 64),
  c("math.sum(math.wrap(np.array([1., 2.], np.float32), spatial('x')))", (e) => e.math.sum(e.math.wrap(new Float32Array([1, 2]), e.spatial('x'))), 64),
  c("math.sqrt(i3)", (e) => e.math.sqrt(e.i3), 64),
  c("i3 * 2", (e) => e.i3.mul(2)),
  c("math.sum(i3)", (e) => e.math.sum(e.i3)),
  c("math.sum(i3 > 1)", (e) => e.math.sum(e.i3.gt(1))),
  c("math.sum(math.wrap(np.array([1, 2, 3], np.int32), spatial('x')))", (e) => e.math.sum(e.math.wrap(new Int32Array([1, 2, 3]), e.spatial('x')))),
  c("math.prod(i3)", (e) => e.math.prod(e.i3)),
  c("math.ones_like(x > 1)", (e) => e.math.onesLike(e.x.gt(1))),
  c("math.zeros_like(x > 1)", (e) => e.math.zerosLike(e.x.gt(1))),
  c("math.ones_like(i3)", (e) => e.math.onesLike(e.i3)),
  c("(x > 1) & (x < 3)", (e) => e.x.gt(1).and(e.x.lt(3))),
  c("math.cast(x, int)", (e) => e.math.cast(e.x, 'int32')),
  // --- element-wise ---
  c("x % 2", (e) => e.x.mod(2)),
  c("x % float('inf')", (e) => e.x.mod(Infinity)),
  c("-x % float('inf')", (e) => e.x.neg().mod(Infinity)),
  c("x % float('-inf')", (e) => e.x.mod(-Infinity)),
  c("math.clip(x, 2., 1.)", (e) => e.math.clip(e.x, 2, 1)),
  c("math.clip(x, math.tensor(2.), math.tensor(1.))", (e) => e.math.clip(e.x, e.math.tensor(2), e.math.tensor(1))),
  c("math.clip(x, 1.5, 2.5)", (e) => e.math.clip(e.x, 1.5, 2.5)),
  c("math.round(x / 2)", (e) => e.math.round(e.x.div(2))),
  c("math.sigmoid(math.tensor(0.))", (e) => e.math.sigmoid(e.math.tensor(0))),
  c("x / 0", (e) => e.x.div(0)),
  c("abs(-x)", (e) => e.x.neg().abs()),
  c("x ** 2", (e) => e.x.pow(2)),
  // --- reductions ---
  c("math.sum(x + b)", (e) => e.math.sum(e.x.add(e.b))),
  c("math.sum(x + b, 'b')", (e) => e.math.sum(e.x.add(e.b), 'b')),
  c("math.mean(x)", (e) => e.math.mean(e.x)),
  c("math.std(x)", (e) => e.math.std(e.x)),
  c("math.max(x + b, 'x')", (e) => e.math.max(e.x.add(e.b), 'x')),
  c("math.min(x + y)", (e) => e.math.min(e.x.add(e.y))),
  c("math.sum(x, 'z')", (e) => e.math.sum(e.x, 'z')),
  c("math.mean(x, 'y')", (e) => e.math.mean(e.x, 'y')),
  c("math.max(x + b, 'x,z')", (e) => e.math.max(e.x.add(e.b), 'x,z')),
  c("math.max(math.zeros(spatial(x=0)))", (e) => e.math.max(e.math.zeros(e.spatial({ x: 0 })))),
  c("math.min(math.zeros(spatial(x=0)))", (e) => e.math.min(e.math.zeros(e.spatial({ x: 0 })))),
  c("math.sum(math.zeros(spatial(x=0)))", (e) => e.math.sum(e.math.zeros(e.spatial({ x: 0 })))),
  c("math.mean(math.zeros(spatial(x=0)))", (e) => e.math.mean(e.math.zeros(e.spatial({ x: 0 })))),
  c("math.any(x > 2)", (e) => e.math.any(e.x.gt(2))),
  c("math.all(x + b > 2, 'x')", (e) => e.math.all(e.x.add(e.b).gt(2), 'x')),
  // --- selection and slicing ---
  c("x.x[1:3]", (e) => e.x.get({ x: [1, 3] })),
  c("x.x[-1]", (e) => e.x.get({ x: -1 })),
  c("x.x[::-1]", (e) => e.x.get({ x: [null, null, -1] })),
  c("x.x[1:]", (e) => e.x.get({ x: [1, null] })),
  c("x.x[:2]", (e) => e.x.get({ x: [null, 2] })),
  c("x.x[::2]", (e) => e.x.get({ x: [null, null, 2] })),
  c("(x + y).y[0]", (e) => e.x.add(e.y).get({ y: 0 })),
  c("x.y[0]", (e) => e.x.get({ y: 0 })),
  c("x[{'x': 1, 'z': 0}]", (e) => e.x.get({ x: 1, z: 0 })),
  c("v.vector['v']", (e) => e.v.get({ vector: 'v' })),
  c("v.vector['v,u']", (e) => e.v.get({ vector: 'v,u' })),
  c("math.rename_dims(x, 'z', 'w')", (e) => e.math.renameDims(e.x, 'z', 'w')),
  c("math.rename_dims(x, 'x', 'w')", (e) => e.math.renameDims(e.x, 'x', 'w')),
];
