/**
 * Internals for tests, benchmarks and tools (`tensorjit/internal`). Not part of the stable API.
 */
export { primitives, bind, type Primitive } from './ops/registry';
export { liveSessionCount, threadsFor, ORT_VERSION } from './session/ort';
export { formatGraph, checkGraph } from './trace/ir';
export { decodeModel } from './onnx/proto';
export { OPSET } from './onnx/lower';
export { jitStateOf } from './jit/function';
export { parseParams } from './jit/params';
export { float32Text, pythonFloatRepr, formatFixed, formatExp } from './format';
export { traceSubgraph, evalGraph, type ClosedGraph } from './trace/subgraph';
export { workerSessionCount } from './session/async';
export { pooledCount, maxSessions } from './session/pool';
export { VJP_RULES, NON_DIFFERENTIABLE, type VjpRule, setLoopTrajectoryMode, type LoopTrajectoryMode } from './autodiff/rules';
