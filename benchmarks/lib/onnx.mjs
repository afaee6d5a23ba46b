// Builds tiny ONNX models as bytes, in-process, with protobufjs: no model files on disk.
// Only the part of onnx.proto these graphs need is declared below; field numbers and enum values
// are those of the ONNX specification (onnx/onnx.proto, IR version 9).
import protobuf from 'protobufjs';

const SCHEMA = `
syntax = "proto3";
package onnx;
message AttributeProto {
  enum AttributeType { UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5;
                       FLOATS = 6; INTS = 7; STRINGS = 8; }
  string name = 1;
  float f = 2;
  int64 i = 3;
  bytes s = 4;
  repeated float floats = 7;
  repeated int64 ints = 8;
  AttributeType type = 20;
}
message ValueInfoProto { string name = 1; TypeProto type = 2; }
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  repeated AttributeProto attribute = 5;
  string domain = 7;
}
message TensorProto {
  repeated int64 dims = 1;
  int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  string name = 8;
  bytes raw_data = 9;
}
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
}
message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
message ModelProto {
  int64 ir_version = 1;
  string producer_name = 2;
  string producer_version = 3;
  GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}
`;

const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
const ModelProto = root.lookupType('onnx.ModelProto');
const AttrType = root.lookupEnum('onnx.AttributeProto.AttributeType').values;
const FLOAT = 1; // TensorProto.DataType.FLOAT
const INT64 = 7; // TensorProto.DataType.INT64
export const IR_VERSION = 9; // ONNX 1.15, the IR that goes with opset 20
export const OPSET = 20;

function valueInfo(name, shape, type = 'float32') {
  return {
    name,
    type: { tensor_type: { elem_type: type === 'int64' ? INT64 : FLOAT, shape: { dim: shape.map((d) => ({ dim_value: d })) } } },
  };
}

function attribute(name, value) {
  if (typeof value === 'string') return { name, type: AttrType.STRING, s: new TextEncoder().encode(value) };
  if (Number.isInteger(value)) return { name, type: AttrType.INT, i: value };
  if (typeof value === 'number') return { name, type: AttrType.FLOAT, f: value };
  if (Array.isArray(value)) return { name, type: AttrType.INTS, ints: value };
  throw new Error(`onnx attribute ${name}: unsupported value ${value}`);
}

/**
 * @param {{name: string, inputs: {name: string, shape: number[], type?: 'float32' | 'int64'}[],
 *          outputs: {name: string, shape: number[], type?: 'float32' | 'int64'}[],
 *          nodes: {op: string, inputs: string[], outputs: string[], attrs?: object}[],
 *          initializers?: {name: string, shape: number[], data: Float32Array | BigInt64Array}[], opset?: number}} g
 * @returns {Uint8Array} serialized ModelProto
 */
export function buildModel(g) {
  const model = {
    ir_version: IR_VERSION,
    producer_name: 'tessera-benchmarks',
    opset_import: [{ domain: '', version: g.opset ?? OPSET }],
    graph: {
      name: g.name,
      node: g.nodes.map((n, i) => ({
        name: `${n.op}_${i}`,
        op_type: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
      })),
      initializer: (g.initializers ?? []).map((t) => ({
        name: t.name,
        dims: t.shape,
        data_type: t.data instanceof BigInt64Array ? INT64 : FLOAT,
        raw_data: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      })),
      input: g.inputs.map((v) => valueInfo(v.name, v.shape, v.type)),
      output: g.outputs.map((v) => valueInfo(v.name, v.shape, v.type)),
    },
  };
  const err = ModelProto.verify(model);
  if (err) throw new Error(`onnx model ${g.name}: ${err}`);
  return ModelProto.encode(ModelProto.create(model)).finish();
}

/** Decodes a serialized model back into a plain object (used to sanity-check the builder). */
export function decodeModel(bytes) {
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: Array });
}

// ---- the graphs the suites use --------------------------------------------------------------

export const matmulModel = ({ m, k, n }) =>
  buildModel({
    name: 'matmul',
    inputs: [{ name: 'A', shape: [m, k] }, { name: 'B', shape: [k, n] }],
    outputs: [{ name: 'Y', shape: [m, n] }],
    nodes: [{ op: 'MatMul', inputs: ['A', 'B'], outputs: ['Y'] }],
  });

export const softmaxModel = ({ rows, cols }) =>
  buildModel({
    name: 'softmax',
    inputs: [{ name: 'X', shape: [rows, cols] }],
    outputs: [{ name: 'Y', shape: [rows, cols] }],
    nodes: [{ op: 'Softmax', inputs: ['X'], outputs: ['Y'], attrs: { axis: -1 } }],
  });

export const layerNormModel = ({ rows, cols, eps }) =>
  buildModel({
    name: 'layernorm',
    inputs: [{ name: 'X', shape: [rows, cols] }, { name: 'W', shape: [cols] }, { name: 'Bias', shape: [cols] }],
    outputs: [{ name: 'Y', shape: [rows, cols] }],
    nodes: [{ op: 'LayerNormalization', inputs: ['X', 'W', 'Bias'], outputs: ['Y'], attrs: { axis: -1, epsilon: eps } }],
  });

/** form 'op': the opset-20 Gelu operator; form 'erf': x * 0.5 * (1 + erf(x / sqrt 2)) as a subgraph. */
export function geluModel({ n }, form = 'op') {
  const io = { inputs: [{ name: 'X', shape: [n] }], outputs: [{ name: 'Y', shape: [n] }] };
  if (form === 'op') {
    return buildModel({
      name: 'gelu', ...io,
      nodes: [{ op: 'Gelu', inputs: ['X'], outputs: ['Y'], attrs: { approximate: 'none' } }],
    });
  }
  const scalar = (name, v) => ({ name, shape: [], data: new Float32Array([v]) });
  return buildModel({
    name: 'gelu_erf', ...io,
    initializers: [scalar('sqrt2', Math.SQRT2), scalar('one', 1), scalar('half', 0.5)],
    nodes: [
      { op: 'Div', inputs: ['X', 'sqrt2'], outputs: ['t0'] },
      { op: 'Erf', inputs: ['t0'], outputs: ['t1'] },
      { op: 'Add', inputs: ['t1', 'one'], outputs: ['t2'] },
      { op: 'Mul', inputs: ['X', 't2'], outputs: ['t3'] },
      { op: 'Mul', inputs: ['t3', 'half'], outputs: ['Y'] },
    ],
  });
}
