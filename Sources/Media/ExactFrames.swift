// Exact, seek-aware sampling: each returned frame is bit-identical to that frame of a full sequential decode.
import CFFmpeg

extension MediaSource {
    /// Decodes the frames at presentation-order `indices` (any order, repeats allowed) and passes them to `body` in
    /// ascending order, once per occurrence, with the counts so far. Frame i is bit-identical to the i-th frame of a
    /// full sequential decode. Seeks only to keyframes, only when decoding forward would cost more, never inside a
    /// GOP being decoded; frames that are neither targets nor references are not decoded where the codec allows.
    @discardableResult
    public func frames(at indices: [Int], size: FrameSize? = nil,
                       _ body: (VideoFrame, SamplingReport) throws -> Void) throws -> SamplingReport {
        let index = try videoIndex()
        let reader = try ExactFrameReader(self, index: index, size: size)
        if let bad = indices.first(where: { !(0..<index.frameCount).contains($0) }) {
            throw MediaError(.usage, location, "frame \(bad) is out of range (0..<\(index.frameCount))")
        }
        do {
            try reader.run(indices, body)
            return reader.report
        } catch is ExactFrameReader.IndexDisagreement {
            // A packet the sample table did not predict: finish from a demux-only index (frames already delivered
            // were identified by timestamps the packets confirmed).
            let second = try ExactFrameReader(self, index: try videoIndex(packetsOnly: true), size: size)
            second.carry(reader.report)
            try second.run(reader.remainingTargets, body)
            return second.report
        }
    }

    /// The number of frames of the video stream, exactly (what `frames(at:)` indices count; a caller's sampler picks
    /// indices below it).
    public func videoFrameCount() throws -> Int { try videoIndex().frameCount }
}

/// The decode plan and loop behind `MediaSource.frames(at:size:_:)`.
final class ExactFrameReader {
    /// A seek + decoder flush costs about this many decoded packets (frame threads refill, demuxer restarts).
    static let seekCostInPackets = 8

    /// Thrown when a packet read disagrees with an index built from a sample table (its pts unknown, or another
    /// dts or key flag at that position); the caller falls back to a demux-only index.
    struct IndexDisagreement: Error {}

    private let source: MediaSource
    private let index: VideoIndex
    private let decoder: Decoder
    private let scaler: FrameScaler
    private let packet: Packet
    /// Presentation index of each pts.
    private let frameOfPTS: [Int64: Int]
    /// Decode position of the last packet sent to the decoder; nil when unknown (a seek must come first).
    private var position: Int?
    /// Highest pts the decoder has output since the last seek.
    private var lastOutput: Int64?
    /// Set after a seek until the first video packet shows where the demuxer landed.
    private var landingTarget: Int?
    /// Timestamps still to try if the current seek lands after its keyframe (last = next).
    private var seekFallbacks: [Int64] = []
    private var endOfInput = false
    /// Frames still wanted, with how many times each was asked for.
    private var wanted: [Int: Int] = [:]
    private(set) var report = SamplingReport()

    init(_ source: MediaSource, index: VideoIndex, size: FrameSize?) throws {
        self.source = source
        self.index = index
        let stream = try source.videoStream()
        decoder = try Decoder(stream, source.location)
        scaler = FrameScaler(size: size, source.location)
        packet = try Packet(source.location)
        var frameOfPTS: [Int64: Int] = [:]
        for (frame, pts) in index.presentation.enumerated() { frameOfPTS[pts] = frame }
        self.frameOfPTS = frameOfPTS
        position = source.isAtStart ? -1 : nil
        report.frameCount = index.frameCount
        report.indexSource = index.source
        source.format.discardAll(except: [stream.pointee.index])
        source.isAtStart = false
    }

    /// The targets not delivered yet (each as often as it is still wanted), ascending.
    var remainingTargets: [Int] {
        wanted.keys.sorted().flatMap { repeatElement($0, count: wanted[$0] ?? 0) }
    }

    /// Continues the counts of an earlier reader of the same call.
    func carry(_ earlier: SamplingReport) {
        report.seeks += earlier.seeks
        report.decodedPackets += earlier.decodedPackets
    }

    func run(_ indices: [Int], _ body: (VideoFrame, SamplingReport) throws -> Void) throws {
        for frame in indices { wanted[frame, default: 0] += 1 }
        let emit = { (frame: VideoFrame) throws in
            for _ in 0..<(self.wanted.removeValue(forKey: frame.index) ?? 0) { try body(frame, self.report) }
        }
        if !index.hasExactTimestamps {
            return try runCounting(emit)
        }
        let targets = wanted.keys.sorted()
        for (n, target) in targets.enumerated() where wanted[target] != nil {
            let pts = index.presentation[target]
            guard let decodePosition = index.decodePosition[pts] else { continue }
            let keyframe = index.keyframePosition(before: decodePosition, pts: pts)
            if shouldSeek(to: keyframe, for: decodePosition) { try seek(to: keyframe) }
            try decode(until: target, pts: pts, drainingAfter: seeksAfter(decodePosition, next: targets[(n + 1)...].first)
                ? decodePosition : nil, emit)
        }
        report.damagedFrames = decoder.damagedFrames
    }

    /// Seek when the target's keyframe lies ahead of where decoding stands and jumping there is cheaper than
    /// decoding forward to it; never when the keyframe was already passed (that would seek inside the GOP).
    private func shouldSeek(to keyframe: Int, for target: Int) -> Bool {
        guard let position, !endOfInput else { return true }
        guard keyframe > position else { return false }
        return target - keyframe + Self.seekCostInPackets < target - position
    }

    /// Whether the target after the one at decode position `position` (nil: none) starts from a keyframe so far
    /// ahead that seeking there beats decoding on, even counting the packets a drain spares (without the drain,
    /// decoding stands a few packets past `position` once the target is out, and `shouldSeek` decides from there).
    private func seeksAfter(_ position: Int, next: Int?) -> Bool {
        guard let next else { return true }
        let pts = index.presentation[next]
        guard let nextPosition = index.decodePosition[pts] else { return false }
        return index.keyframePosition(before: nextPosition, pts: pts) - position > 2 * Self.seekCostInPackets
    }

    /// Seeks to the keyframe at decode position `keyframe`. Demuxers index keyframes by pts (Matroska cues) or by a
    /// shifted dts (MP4), so the seek asks for the keyframe's pts, which lies at or after its index entry; if the
    /// demuxer still lands after the keyframe, earlier timestamps are tried (its dts, then the stream's start).
    private func seek(to keyframe: Int) throws {
        let entry = index.packets[keyframe], first = index.packets.first
        let candidates = [entry.pts, entry.dts, first?.dts ?? first?.pts, Int64.min].compactMap { $0 }
        seekFallbacks = Array(candidates.reversed())
        landingTarget = keyframe
        report.seeks += 1
        try seekToNextCandidate()
    }

    /// Seeks to the next candidate timestamp the demuxer accepts.
    private func seekToNextCandidate() throws {
        decoder.reset()
        while true {
            guard let timestamp = seekFallbacks.popLast() else {
                throw MediaError(.malformed, source.location, "cannot seek back to a keyframe")
            }
            if (try? source.format.seek(stream: decoder.stream.pointee.index, toKeyframeBefore: timestamp)) != nil { break }
        }
        position = nil
        lastOutput = nil
        endOfInput = false
    }

    /// Decodes forward until `target` has come out, or provably will not (a later frame came out, or the input ended).
    /// With `drainingAfter` (the target's own decode position, when the next target seeks anyway) the decoder is
    /// drained right after the target's packet: a decoded picture depends only on packets before it in decode
    /// order, so it comes out identical, without decoding the later packets that would push it through the
    /// reorder buffer and the frame threads. The decoder has then ended; the next target seeks (and flushes it).
    private func decode(until target: Int, pts: Int64, drainingAfter: Int?, _ emit: (VideoFrame) throws -> Void) throws {
        while wanted[target] != nil {
            if let lastOutput, lastOutput > pts { return giveUp(target) }
            if endOfInput { return giveUp(target) }
            guard try source.format.read(into: packet) != .endOfStream else {
                endOfInput = true
                try decoder.decode(nil) { try take($0, emit) }
                continue
            }
            defer { packet.unref() }
            let p = packet.pointer.pointee
            guard p.stream_index == decoder.stream.pointee.index else { continue }
            if p.flags & AV_PKT_FLAG_DISCARD != 0 {  // not a frame of the index, but later frames may reference it
                try decoder.decode(packet) { try take($0, emit) }
                continue
            }
            let known = index.decodePosition[p.pts]
            if index.source == .sampleTable {
                guard let known, index.packets[known].dts == p.dts,
                      index.packets[known].isKey == (p.flags & AV_PKT_FLAG_KEY != 0) else { throw IndexDisagreement() }
            }
            let packetPosition = known ?? (position.map { $0 + 1 } ?? Int.max)
            if let landing = landingTarget {
                if packetPosition > landing {
                    try seekToNextCandidate()
                    continue
                }
                landingTarget = nil
            }
            position = packetPosition
            let isTarget = frameOfPTS[p.pts].map { wanted[$0] != nil } ?? true
            report.decodedPackets += 1
            try decoder.decode(packet, skipIfNonReference: !isTarget) { try take($0, emit) }
            if packetPosition == drainingAfter {
                try decoder.decode(nil) { try take($0, emit) }
                position = nil
                if wanted[target] != nil { giveUp(target) }
                return
            }
        }
    }

    private func take(_ frame: Frame, _ emit: (VideoFrame) throws -> Void) throws {
        guard let pts = frame.timestamp, let presentation = frameOfPTS[pts] else { return }
        lastOutput = max(lastOutput ?? pts, pts)
        guard wanted[presentation] != nil else { return }
        report.damagedFrames = decoder.damagedFrames
        try emit(scaler.convert(frame, index: presentation, pts: Double(pts) * decoder.timeBase))
    }

    private func giveUp(_ target: Int) {
        report.missingFrames += wanted.removeValue(forKey: target) ?? 0
    }

    /// Without usable timestamps frames are numbered by counting a sequential decode from the start.
    private func runCounting(_ emit: (VideoFrame) throws -> Void) throws {
        if position == nil, let first = index.packets.first?.dts ?? index.packets.first?.pts {
            try source.format.seek(stream: decoder.stream.pointee.index, toKeyframeBefore: first)
        }
        var counter = 0
        func takeCounted(_ frame: Frame) throws {
            defer { counter += 1 }
            guard wanted[counter] != nil else { return }
            let pts = frame.timestamp.map { Double($0) * decoder.timeBase } ?? .nan
            try emit(scaler.convert(frame, index: counter, pts: pts))
        }
        while !wanted.isEmpty, try source.format.read(into: packet) != .endOfStream {
            defer { packet.unref() }
            guard packet.pointer.pointee.stream_index == decoder.stream.pointee.index else { continue }
            report.decodedPackets += 1
            try decoder.decode(packet) { try takeCounted($0) }
        }
        if !wanted.isEmpty { try decoder.decode(nil) { try takeCounted($0) } }
        report.damagedFrames = decoder.damagedFrames
        report.missingFrames += wanted.values.reduce(0, +)
        wanted.removeAll()
    }
}
