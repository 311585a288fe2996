// Inputs the pipeline YAML fuzz target (Fuzz/run.sh yaml) found, each kept as a test: they must end in a
// PipelineError, never a trap.
import Foundation
import Testing

@testable import Pipeline

/// Sexagesimal integers ("1:30" = 90 in YAML 1.1): Yams multiplies their digits with trapping arithmetic, so a long
/// or large one overflowed and killed the process before the loader could refuse it.
@Test(arguments: [
    "sampling: {seg_num: 1:1:1:1:1:1:1:1:1:1:1:1}",
    "sampling: {seg_num: 999999999999999999:0}",
    "model: {type: attention_cluster, feature_dims: [1024, 1:1:1:1:1:1:1:1:1:1:1:1]}",
    "MODEL: {name: AttentionCluster, num_classes: 1:1:1:1:1:1:1:1:1:1:1:1}",
])
func sexagesimalIntegersAreRefusedNotTrapped(yaml: String) throws {
    let file = URL(fileURLWithPath: "/fuzz/pipelines/regression.yaml")
    #expect(throws: PipelineError.self) { try PipelineConfig.parse(yaml: yaml, file: file) }
}
