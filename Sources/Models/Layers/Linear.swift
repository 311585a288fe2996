// Linear: y = x @ W + b with W stored [in, out] (paddle.nn.Linear and fluid `fc`, spec §2.2 and §3.3).
// Legend: N rows, I = in features, O = out features.
import Tensor

/// A fully connected layer over the rows of a matrix; the weight is [I, O], the bias [O].
enum Linear {
    /// y [N, O] = x [N, I] @ W [I, O] + b [O]
    static func forward(
        y: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, weight: Parameter, bias: Parameter, rows: Int
    ) {
        let (inputs, outputs) = (weight.value.shape[0], weight.value.shape[1])
        weight.withValue { w in
            sgemm(m: rows, n: outputs, k: inputs, a: x, lda: inputs, b: w, ldb: outputs, c: y, ldc: outputs)
        }
        bias.withValue { b in Elementwise.addRowVector(b, to: y, rows: rows, columns: outputs) }
    }

    /// dW [I, O] += xᵀ dy; db [O] += Σ_rows dy; dx [N, I] += dy Wᵀ (skipped when `dx` is nil).
    static func backward(
        dx: UnsafeMutablePointer<Float>?, weight: Parameter, bias: Parameter,
        dy: UnsafePointer<Float>, x: UnsafePointer<Float>, rows: Int
    ) {
        let (inputs, outputs) = (weight.value.shape[0], weight.value.shape[1])
        weight.withGradient { dw in
            sgemm(
                transposeA: true, m: inputs, n: outputs, k: rows, a: x, lda: inputs, b: dy, ldb: outputs,
                beta: 1, c: dw, ldc: outputs)
        }
        bias.withGradient { db in Elementwise.accumulateColumnSums(of: dy, rows: rows, columns: outputs, into: db) }
        guard let dx else { return }
        weight.withValue { w in
            sgemm(
                transposeB: true, m: rows, n: inputs, k: outputs, a: dy, lda: outputs, b: w, ldb: outputs,
                beta: 1, c: dx, ldc: inputs)
        }
    }
}

/// A Linear layer's two tensors: weight [I, O], bias [O].
struct LinearParameters {
    let weight: Parameter  // [I, O]
    let bias: Parameter  // [O]

    /// (I, O) after checking the weight is 2-D, the bias is [O], and, when given, I equals `inputs`.
    func sizes(inputs: Int? = nil) throws -> (inputs: Int, outputs: Int) {
        let shape = weight.value.shape
        guard shape.count == 2 else {
            throw ModelError.shapeMismatch(key: weight.name, expected: [inputs ?? -1, -1], actual: shape)
        }
        if let inputs, shape[0] != inputs {
            throw ModelError.shapeMismatch(key: weight.name, expected: [inputs, shape[1]], actual: shape)
        }
        try requireShape(bias, [shape[1]])
        return (shape[0], shape[1])
    }
}
