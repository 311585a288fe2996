// The class names a watch's events carry, for sinks that announce them up front (MQTT discovery).

extension WatchStages {
    /// One name per model output (the label map's, else the index), as events name them.
    public var labels: [String] { (try? model.instance().labels) ?? model.labels }
}
