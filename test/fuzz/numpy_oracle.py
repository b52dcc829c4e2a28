"""NumPy oracle for the tensorjit fuzzer (test/fuzz/oracle.ts).

Reads one JSON batch on stdin: a list of op records {op, params, args, out}, where a tensor is
{names, dtype, data} (flat, row-major in `names` order; int64 as strings; floats as numbers or
'nan' / 'inf' / '-inf' / '-0'), a JS number is {num}, a bigint {big}. Computes each op with NumPy
over named axes (broadcast by name, as tensorjit does) and writes {compared, skipped,
disagreements} as JSON. Ops it does not model are skipped (counted).
"""
import json
import math
import sys
import warnings

import numpy as np

warnings.simplefilter('ignore')
np.seterr(all='ignore')

DT = {'float32': np.float32, 'float64': np.float64, 'int32': np.int32, 'int64': np.int64, 'bool': np.bool_}
WIDTH = {'bool': 0, 'int32': 1, 'int64': 2, 'float32': 3, 'float64': 3}


def to_value(x):
    if isinstance(x, str):
        return {'nan': np.nan, 'inf': np.inf, '-inf': -np.inf, '-0': -0.0}.get(x, None)
    return x


def tensor(t):
    dt = t['dtype']
    if dt == 'int64':
        data = np.array([int(v) for v in t['data']], dtype=np.int64)
    elif dt == 'bool':
        data = np.array(t['data'], dtype=np.bool_)
    else:
        data = np.array([to_value(v) if isinstance(v, str) else v for v in t['data']], dtype=DT[dt])
    return list(t['names']), dt, data.reshape(t['sizes'])


# the global float precision of the record's program (ΦML's rule: float results have it)
PREC = {'float': 'float32'}


def promote(a, b):
    if a in ('float32', 'float64') or b in ('float32', 'float64'):
        return PREC['float']
    if a == b:
        return 'int32' if a == 'bool' else a
    return 'int64' if max(WIDTH[a], WIDTH[b]) == 2 else 'int32'



def c_pow(x, y):
    """np.power with C's pow rule for a -inf base (docs/api.md "Numerics": pow follows C): NumPy's
    own paths disagree there (np.power(-inf, 0.5) is nan for a scalar, inf inside a vectorised
    array loop; C gives inf, and +0 for a negative non-integer exponent)."""
    x, y = np.broadcast_arrays(x, y)
    with np.errstate(all='ignore'):
        r = np.array(np.power(x, y))
    fractional = np.isfinite(y) & (np.floor(y) != y)
    fix = np.isneginf(x) & fractional
    r[fix & (y > 0)] = np.inf
    r[fix & (y < 0)] = 0.0
    return r

def weak(value, other):
    """dtype of a JS number next to a tensor of dtype `other` (None: on its own)."""
    if other in ('float32', 'float64'):
        return other
    if other is not None and float(value).is_integer() and -2**63 <= value < 2**63 and not (value == 0 and np.signbit(value)):
        return 'int32' if other == 'bool' else other
    return PREC['float']  # on its own, or fractional next to an int: the global precision


def number_tensor(value, dtype):
    if dtype in ('int32', 'int64'):
        v = int(value) & ((1 << (32 if dtype == 'int32' else 64)) - 1)
        bits = 32 if dtype == 'int32' else 64
        v = v - (1 << bits) if v >= 1 << (bits - 1) else v
        return [], dtype, np.array(v, dtype=DT[dtype])
    return [], dtype, np.array(value, dtype=DT[dtype])


def operands(args, n):
    """Tensors for the args; JS numbers follow the weak rule against the first tensor operand."""
    ts = [tensor(a) if 'names' in a else None for a in args]
    strong = next((t[1] for t in ts if t is not None), None)
    out = []
    for a, t in zip(args, ts):
        if t is not None:
            out.append(t)
        elif 'big' in a:
            out.append(([], 'int64', np.array(int(a['big']), dtype=np.int64)))
        else:
            v = to_value(a['num']) if 'num' in a else to_value(n)
            out.append(number_tensor(v, weak(v, strong)))
    return out


def align(ts):
    names = []
    for t in ts:
        for nm in t[0]:
            if nm not in names:
                names.append(nm)
    arrays = []
    for nm_t, _dt, arr in ts:
        order = [nm_t.index(nm) for nm in names if nm in nm_t]
        a = np.transpose(arr, order) if order else arr
        shape = [arr.shape[nm_t.index(nm)] if nm in nm_t else 1 for nm in names]
        arrays.append(np.reshape(a, shape))
    return names, arrays


def arith(d):
    return 'int32' if d == 'bool' else d


def floatof(d):
    return d if d in ('float32', 'float64') else PREC['float']


def precision_float(d):
    return PREC['float']


def round_like(d):
    return PREC['float'] if d in ('float32', 'float64') else arith(d)


def result_float(rec, t):
    """The compute dtype of a float result: the recorded result dtype (operands are converted to it
    first, on both tensorjit paths; which float it is follows the precision rules, checked eager vs
    compiled)."""
    out = rec['out']['dtype']
    return out if out in ('float32', 'float64') and t in ('float32', 'float64') else t


UNARY = {
    'neg': (arith, np.negative), 'abs': (arith, np.abs), 'sign': (round_like, np.sign), 'sqrt': (precision_float, np.sqrt),
    'exp': (precision_float, np.exp), 'log': (precision_float, np.log), 'sin': (precision_float, np.sin), 'cos': (precision_float, np.cos),
    'tan': (precision_float, np.tan), 'tanh': (precision_float, np.tanh), 'floor': (round_like, np.floor), 'ceil': (round_like, np.ceil),
    'round': (round_like, np.round), 'sigmoid': (precision_float, lambda x: np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x))), np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x))))),
    'logicalNot': (lambda d: 'bool', lambda x: np.logical_not(x)), 'isNan': (lambda d: 'bool', np.isnan),
    'isFinite': (lambda d: 'bool', np.isfinite),
}
def via_float32(fn):
    """onnxruntime has float32 kernels only: tensorjit computes these in float32 for float64 too."""
    return lambda x: fn(x.astype(np.float32))


def log_via_float64(fn):
    return lambda x: fn(x.astype(np.float64))


erf = np.vectorize(math.erf, otypes=[np.float64])

UNARY.update({
    'erf': (floatof, via_float32(lambda x: erf(x.astype(np.float64)).astype(np.float32))),
    'log2': (floatof, log_via_float64(np.log2)), 'log10': (floatof, log_via_float64(np.log10)),
    'arcsin': (floatof, via_float32(np.arcsin)), 'arccos': (floatof, via_float32(np.arccos)),
    'arctan': (floatof, via_float32(np.arctan)), 'sinh': (floatof, via_float32(np.sinh)),
    'cosh': (floatof, via_float32(np.cosh)), 'arcsinh': (floatof, via_float32(np.arcsinh)),
    'arccosh': (floatof, via_float32(np.arccosh)), 'arctanh': (floatof, via_float32(np.arctanh)),
})


SPECIAL = {'erf', 'log2', 'log10', 'arcsin', 'arccos', 'arctan', 'sinh', 'cosh', 'arcsinh', 'arccosh', 'arctanh', 'arctan2'}


def arctan2(y, x):
    """tensorjit's rule (ops/special.ts): atan(y / x) moved by ±π where x < 0 (+π for y >= 0, -0
    included), 0 at the origin, NaN where both are infinite."""
    y, x = y.astype(np.float32), x.astype(np.float32)
    r = np.arctan(y / x)
    moved = np.where(x < 0, np.where(y >= 0, r + np.float32(np.pi), r - np.float32(np.pi)), r)
    return np.where((y == 0) & (x == 0), np.float32(0), moved)


BINARY = {
    'add': np.add, 'sub': np.subtract, 'mul': np.multiply, 'div': np.true_divide, 'pow': np.power, 'mod': np.mod,
    'minimum': np.minimum, 'maximum': np.maximum,
}
COMPARE = {'greater': np.greater, 'less': np.less, 'greaterEqual': np.greater_equal, 'lessEqual': np.less_equal,
           'equal': np.equal, 'notEqual': np.not_equal}
LOGIC = {'logicalAnd': np.logical_and, 'logicalOr': np.logical_or, 'logicalXor': np.logical_xor}
REDUCE = {'sum', 'prod', 'mean', 'max', 'min', 'any', 'all'}
EXACT = {'neg', 'abs', 'sign', 'floor', 'ceil', 'round', 'logicalNot', 'isNan', 'isFinite', 'add', 'sub', 'mul', 'div',
         'mod', 'minimum', 'maximum', 'cast', 'where', 'max', 'min', 'any', 'all', 'sort', 'argsort', 'argmax',
         'argmin'} | set(COMPARE) | set(LOGIC)
# a zero result is +0 (docs/api.md "Numerics"), where NumPy keeps either operand's zero
PLUS_ZERO = {'minimum', 'maximum', 'max', 'min', 'where'}


def packed(names, x, dims):
    """x with `dims` packed into one last axis (row-major in the order given): (kept names, array)."""
    keep = [nm for nm in names if nm not in dims]
    arr = np.transpose(x, [names.index(nm) for nm in keep + dims]) if names else x
    return keep, arr.reshape([x.shape[names.index(nm)] for nm in keep] + [int(np.prod([x.shape[names.index(nm)] for nm in dims]))])


def unpacked(keep, arr, names, x, dims):
    return keep + dims, arr.reshape([x.shape[names.index(nm)] for nm in keep + dims])


def compute(rec, n):
    r = compute_op(rec, n)
    if r is not None and rec['op'] in PLUS_ZERO and r[1].dtype.kind == 'f':
        r = (r[0], r[1] + r[1].dtype.type(0))
    return r


def compute_op(rec, n):
    op, p = rec['op'], rec.get('params') or {}
    ins = operands(rec['args'], n)
    if op in UNARY:
        (names, dt, x) = ins[0]
        rdt, fn = UNARY[op]
        t = result_float(rec, rdt(dt))
        xin = x.astype(DT[t]) if t != 'bool' else x
        if op in ('isNan', 'isFinite') and dt not in ('float32', 'float64'):
            return names, np.full(x.shape, op == 'isFinite')
        if op in ('floor', 'ceil', 'round') and t in ('int32', 'int64'):
            return names, xin
        return names, fn(xin).astype(DT[t])
    if op == 'cast':
        names, _dt, x = ins[0]
        return names, x.astype(DT[p['dtype']])
    if op in BINARY or op in COMPARE or op in LOGIC:
        a, b = ins
        t = promote(a[1], b[1])
        if op == 'div':
            t = floatof(t)
        t = result_float(rec, t)
        if op in COMPARE:
            t = a[1] if a[1] == b[1] else promote(a[1], b[1])
        if op in LOGIC:
            t = 'bool'
        if op in ('minimum', 'maximum') and a[1] in ('float32', 'float64') and b[1] in ('float32', 'float64'):
            # two floats keep the wider one (NumPy; a JS number, literal or traced, takes the tensor's float dtype)
            t = 'float64' if 'float64' in (a[1], b[1]) else 'float32'
        names, (x, y) = align([a, b])
        x, y = x.astype(DT[t]), y.astype(DT[t])
        if op == 'pow' and t in ('int32', 'int64') and np.any(y < 0):
            return None
        if op == 'mod' and t in ('int32', 'int64') and np.any(y == 0):
            return None
        if op == 'pow' and t in ('float32', 'float64'):
            return names, c_pow(x, y).astype(DT[t])
        if op in BINARY:
            return names, BINARY[op](x, y).astype(DT[t])
        return names, (COMPARE.get(op) or LOGIC.get(op))(x, y)
    if op == 'arctan2':
        # a JS number becomes the float dtype of the other operand (math.arctan2 is a float function)
        ts = [tensor(a) if 'names' in a else None for a in rec['args']]
        other = next((t[1] for t in ts if t is not None), 'float32')
        a, b = [t if t is not None else number_tensor(to_value(x['num']) if 'num' in x else int(x['big']) if 'big' in x else to_value(n), floatof(other))
                for t, x in zip(ts, rec['args'])]
        t = result_float(rec, floatof(promote(a[1], b[1])))
        names, (y, x) = align([a, b])
        return names, arctan2(y, x).astype(DT[t])
    if op == 'cumsum':
        names, dt, x = ins[0]
        dims = p['dims']
        t = arith(dt)
        keep, arr = packed(names, x.astype(DT[t]), dims)
        c = np.cumsum(arr, axis=-1, dtype=DT[t])
        if p['includeZero']:
            c = np.concatenate([np.zeros(c.shape[:-1] + (1,), dtype=DT[t]), c], axis=-1)
        if not p['includeSum']:
            c = c[..., :-1]
        if len(dims) == 1:
            return keep + dims, c
        return unpacked(keep, c, names, x, dims)
    if op in ('sort', 'argsort'):
        names, dt, x = ins[0]
        dims = p.get('dims') or ([p['dim']] if 'dim' in p else [nm for nm, k in zip(names, rec['args'][0]['kinds']) if k != 'batch'])
        keep, arr = packed(names, x, dims)
        if op == 'argsort':
            return keep + dims, np.argsort(arr, axis=-1, kind='stable').astype(np.int64)
        return unpacked(keep, np.sort(arr, axis=-1, kind='stable'), names, x, dims)
    if op in ('argmax', 'argmin'):
        names, dt, x = ins[0]
        dims = p['dims']
        keep, arr = packed(names, x, dims)
        flat = (np.argmax if op == 'argmax' else np.argmin)(arr, axis=-1).astype(np.int64)
        if p['plain']:
            return keep, flat
        sizes = [x.shape[names.index(nm)] for nm in dims]
        return keep + ['index'], np.stack(np.unravel_index(flat, sizes), axis=-1).astype(np.int64)
    if op == 'where':
        # numbers adopt the other branch's dtype (not the condition's)
        c = tensor(rec['args'][0]) if 'names' in rec['args'][0] else operands(rec['args'][:1], n)[0]
        a, b = operands(rec['args'][1:], n)
        t = result_float(rec, a[1] if a[1] == b[1] else promote(a[1], b[1]))
        names, (cc, x, y) = align([c, a, b])
        return names, np.where(cc != 0, x.astype(DT[t]), y.astype(DT[t]))
    if op in REDUCE:
        names, dt, x = ins[0]
        dims = p.get('dims') or [nm for nm, k in zip(names, rec['args'][0]['kinds']) if k != 'batch']
        if not dims:
            return None
        axes = tuple(names.index(d) for d in dims)
        keep = [nm for nm in names if nm not in dims]
        empty = any(x.shape[a] == 0 for a in axes)
        if op in ('sum', 'prod'):
            t = rec['out']['dtype']  # int32 sums are int64 (ΦML), floats follow the precision
            acc = np.float64 if t in ('float32', 'float64') else DT[t]
            r = (np.sum if op == 'sum' else np.prod)(x.astype(acc), axis=axes).astype(DT[t])
        elif op == 'mean':
            r = np.mean(x.astype(np.float64), axis=axes).astype(DT[floatof(dt)])
        elif op in ('max', 'min'):
            if empty:
                shape = [x.shape[i] for i in range(x.ndim) if i not in axes]
                r = np.zeros(shape, dtype=DT[dt])
            else:
                r = (np.max if op == 'max' else np.min)(x, axis=axes)
        else:
            r = (np.any if op == 'any' else np.all)(x != 0, axis=axes)
        return keep, np.asarray(r)
    return None


def expected_array(out):
    names, dt, arr = tensor(out)
    return names, dt, arr


def compare(rec, got):
    names_e, dt, exp = expected_array(rec['out'])
    names_g, arr = got
    if sorted(names_g) != sorted(names_e):
        return 'dims %s vs %s' % (names_g, names_e)
    arr = np.transpose(arr, [names_g.index(nm) for nm in names_e]) if names_e else arr
    arr = np.broadcast_to(arr, exp.shape).astype(exp.dtype)
    a, e = arr.ravel(), exp.ravel()
    op = rec['op']
    if dt in ('float32', 'float64'):
        same = (a == e) | (np.isnan(a) & np.isnan(e))
        if op in EXACT:
            same &= (np.signbit(a) == np.signbit(e)) | np.isnan(a)
            bad = ~same
        else:
            eps = np.finfo(exp.dtype).eps
            scale = max([float(np.nanmax(np.abs(np.where(np.isfinite(t[2]), t[2], 0)))) if t[2].size else 0.0
                         for t in [tensor(x) for x in rec['args'] if 'names' in x]] + [1.0])
            count = max([tensor(x)[2].size for x in rec['args'] if 'names' in x] + [1])
            tol = 64 * eps * np.abs(e) + 16 * eps * count * scale
            if op in SPECIAL:
                # the same float32 (log2 / log10: float64) inputs: a few ulp of the result, in float32 for float32 kernels
                eps32 = np.finfo(np.float32).eps
                tol = 64 * eps32 * (np.abs(e) + 1) if op not in ('log2', 'log10') else 64 * eps * (np.abs(e) + 1)
            if op == 'pow' or op == 'prod':
                tol = 64 * eps * np.abs(e) * count + 1e-300
            bad = ~(same | (np.abs(a - e) <= tol))
            if op in ('sum', 'prod', 'mean') and count * scale > 1e300:
                bad[:] = False
        idx = np.flatnonzero(bad)
    else:
        idx = np.flatnonzero(a != e)
    if idx.size:
        i = idx[0]
        return 'element %d: numpy %r vs tensorjit %r' % (i, a[i].item(), e[i].item())
    return None


def main():
    batch = json.load(sys.stdin)
    compared = skipped = 0
    bad = []
    for rec in batch:
        PREC['float'] = 'float64' if rec.get('precision') == 64 else 'float32'
        try:
            got = compute(rec, rec.get('n'))
        except Exception as ex:  # an op this oracle cannot model with these operands
            got = None
        if got is None:
            skipped += 1
            continue
        compared += 1
        msg = compare(rec, got)
        if msg:
            bad.append('%s%s: %s\n%s' % (rec['op'], json.dumps(rec.get('params')), msg, rec.get('code', '')))
    json.dump({'compared': compared, 'skipped': skipped, 'disagreements': bad}, sys.stdout)


if __name__ == '__main__':
    main()
