// The class names a watch's events carry, for sinks that announce them up front (MQTT discovery).

extension WatchStages {
    /// One name per model output: the label map's, else the class index (as the MQTT topics name a label).
    public var labels: [String] {
        let names = batcher?.classifier.labels ?? (try? model.instance().labels) ?? model.labels
        return names.enumerated().map { $1 ?? String($0) }
    }
}
