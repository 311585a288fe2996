// One class and its score: the entries of every `top_k` Vigil prints (predict, classify, watch, eval).

/// A class index, its name and its sigmoid score. Encodes as `{"class": i, "label": name or null, "score": s}`:
/// a class the label map does not name prints `"label": null` (docs/events.md).
public struct ClassScore: Codable, Sendable, Equatable {
    /// Index of the class in the model's output.
    public var classIndex: Int
    /// The class's name; nil when the label map has none for it.
    public var label: String?
    /// Sigmoid score in [0, 1].
    public var score: Float

    /// A scored class.
    public init(classIndex: Int, label: String?, score: Float) {
        self.classIndex = classIndex
        self.label = label
        self.score = score
    }

    enum CodingKeys: String, CodingKey { case classIndex = "class", label, score }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(classIndex, forKey: .classIndex)
        try container.encode(label, forKey: .label)  // null when the class has no name
        try container.encode(score, forKey: .score)
    }
}
