// Activations tanh, ReLU and sigmoid: forward in place, backward turning dy into dx in place.
// Legend: n elements; y is the forward output (all three derivatives are functions of y).
import Tensor

/// Point-wise nonlinearities used by both heads (PaddleVideo attention_lstm_head.py, PaddleCV attention_cluster.py).
enum Activation {
    case tanh, relu, sigmoid

    /// x [n] ← f(x)
    func forward(_ x: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .tanh: Elementwise.tanh(x, count: count)
        case .relu: Elementwise.relu(x, count: count)
        case .sigmoid: Elementwise.sigmoid(x, count: count)
        }
    }

    /// d [n] ← d · f′ where f′ is written through the output y [n]: 1−y², [y>0], y(1−y).
    func backward(_ d: UnsafeMutablePointer<Float>, y: UnsafePointer<Float>, count: Int) {
        switch self {
        case .tanh: for i in 0..<count { d[i] *= 1 - y[i] * y[i] }
        case .relu: for i in 0..<count where y[i] <= 0 { d[i] = 0 }
        case .sigmoid: for i in 0..<count { d[i] *= y[i] * (1 - y[i]) }
        }
    }
}
