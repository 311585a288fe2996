// `vigil predict` over several videos at once: one forward pass per batch, so AttentionLSTM's recurrent step is a
// matrix-matrix product over the videos still running (every step reads W_hh once per batch, not once per video).
// Ragged lengths are packed, not padded, so each video's logits equal its own single-video pass within float rounding.
import Formats
import Models

extension Predictor {
    /// Logits [K] of each record, in order, from one forward pass over all of them.
    public func logits(batch records: [FeatureRecord]) throws -> [[Float]] {
        if scorer.sampler != nil, let empty = records.first(where: { $0.rgb.rows == 0 || readsAudio && $0.audio.rows == 0 }) {
            throw PipelineError.unusableInput(path: empty.id, reason: "a video needs at least one rgb and one audio row")
        }
        return try scorer.logits(batch: records.map(\.rgb), audio: records.map(\.audio))
    }

    /// The result of each record, in order, passed to `emit`; a batch with an unusable video is run one video at a
    /// time instead, so the videos before it are still emitted and its error is the one a single-video run gives.
    public func predict(
        batch records: [FeatureRecord], topK: Int, allScores: Bool, emit: (Prediction) throws -> Void
    ) throws {
        guard records.count > 1, let batch = try? logits(batch: records) else {
            for record in records { try emit(predict(record, topK: topK, allScores: allScores)) }
            return
        }
        for (record, logits) in zip(records, batch) {
            try emit(prediction(record, logits: logits, topK: topK, allScores: allScores))
        }
    }
}
