// WeightAverage: the running mean of a model's weights over the epochs of a run (stochastic weight averaging).
import Tensor

/// The mean of the weights after each of `count` epochs. With a constant learning rate the weights of one epoch
/// wander around a minimum (the validation loss of the demo model moves by ±0.1 from one epoch to the next); their
/// mean sits nearer its centre and generalises better than any one epoch (Izmailov et al., "Averaging Weights Leads
/// to Wider Optima and Better Generalization", 2018). Models without batch statistics need nothing more.
struct WeightAverage {
    private(set) var mean: [String: Tensor]
    private(set) var count: Int

    /// The average of `count` epochs whose mean is `mean` (count 1: one epoch's weights; more: a resumed average).
    init(_ mean: [String: Tensor], count: Int = 1) {
        self.mean = mean
        self.count = count
    }

    /// Adds one more epoch's weights: mean += (w − mean)/n, in Float as each epoch comes (a Float32 sum of a few
    /// dozen epochs loses nothing a model would notice).
    mutating func add(_ weights: [String: Tensor]) {
        count += 1
        let step = 1 / Float(count)
        for (name, w) in weights {
            guard var m = mean.removeValue(forKey: name) else { continue }
            precondition(m.scalars.count == w.scalars.count, "\(name): the averaged shapes differ")
            for i in m.scalars.indices { m.scalars[i] += (w.scalars[i] - m.scalars[i]) * step }
            mean[name] = m
        }
    }
}
