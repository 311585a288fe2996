// Metrics against numbers made by the YouTube-8M starter code itself (tools/make_metric_fixtures.py).
import Testing
@testable import Training

struct MetricFixture: Decodable {
    struct Expected: Decodable {
        let hit_at_one, perr, gap, map: Double
        let aps: [Double]
        let batch_mean: Int
        let batch_mean_metrics: [String: Double]
    }
    struct Case: Decodable {
        let name: String
        let predictions: [[Float]]
        let labels: [[Int]]
        let classes: Int
        let expected: Expected
    }
    let python_sample: [String: [Int]]
    let cases: [Case]
}

@Test func pythonRandomSampleMatchesCPython() throws {
    let fixture = try Fixture.load("metrics.json", as: MetricFixture.self)
    for (n, expected) in fixture.python_sample {
        var random = PythonRandom(seed: 0)
        #expect(random.samplePermutation(Int(n)!) == expected, "random.sample(range(\(n)), \(n))")
    }
}

@Test(arguments: ["continuous", "ties_and_empty", "saturated_small"])
func metricsMatchTheReference(name: String) throws {
    let fixture = try Fixture.load("metrics.json", as: MetricFixture.self)
    let item = try #require(fixture.cases.first { $0.name == name })
    let metrics = VideoMetrics(scores: item.predictions, labels: item.labels)
    #expect(metrics.videos == item.predictions.count)
    #expect(abs(metrics.hitAtOne - item.expected.hit_at_one) < 1e-12)
    #expect(abs(metrics.perr - item.expected.perr) < 1e-12)
    #expect(abs(metrics.gap - item.expected.gap) < 1e-12, "GAP \(metrics.gap) vs \(item.expected.gap)")
    #expect(abs(metrics.map - item.expected.map) < 1e-12, "mAP \(metrics.map) vs \(item.expected.map)")
}

@Test(arguments: ["continuous", "ties_and_empty", "saturated_small"])
func batchMeanMatchesPaddleVideoHitOneMetric(name: String) throws {
    let fixture = try Fixture.load("metrics.json", as: MetricFixture.self)
    let item = try #require(fixture.cases.first { $0.name == name })
    let metrics = VideoMetrics(scores: item.predictions, labels: item.labels, batchMean: item.expected.batch_mean)
    let expected = item.expected.batch_mean_metrics
    #expect(abs(metrics.hitAtOne - expected["hit_at_one", default: -1]) < 1e-12)
    #expect(abs(metrics.perr - expected["perr", default: -1]) < 1e-12)
    #expect(abs(metrics.gap - expected["gap", default: -1]) < 1e-12, "GAP \(metrics.gap) vs \(expected["gap", default: -1])")
}

@Test func perClassAveragePrecisionsMatchTheReference() throws {
    let fixture = try Fixture.load("metrics.json", as: MetricFixture.self)
    for item in fixture.cases {
        let videos = zip(item.predictions, item.labels).map { RankedVideo(scores: $0, labels: $1, topK: 20) }
        let lists = VideoMetrics.perClassLists(videos, classes: item.classes)
        for c in 0..<item.classes {
            let positives = videos.filter { $0.labels.contains(c) }.count
            let ap = AveragePrecision.compute(lists[c], positives: Double(positives))
            #expect(abs(ap - item.expected.aps[c]) < 1e-12, "\(item.name) class \(c): \(ap) vs \(item.expected.aps[c])")
        }
    }
}

@Test func firstIndexWinsHitAtOneTiesAndEmptyVideosCount() {
    // Two saturated scores: class 0 comes first and is not a label, so video 0 misses. Video 1 has no labels.
    let metrics = VideoMetrics(scores: [[1, 1, 0.5], [0.2, 0.9, 0.1]], labels: [[1], []])
    #expect(metrics.hitAtOne == 0)
    #expect(metrics.perr == 0)
    #expect(metrics.videos == 2)
}
