// The video stream's packets in decode order and its frames in presentation order: from a demux-only pass over
// the stream (every packet's timestamps and key flag, without decoding), or from an MP4/MOV sample table
// (VideoIndex+SampleTable.swift).
import CFFmpeg

/// The packets of one video stream in decode order, and from them the frames in presentation order.
/// Built by reading (not decoding) the whole stream, which costs a small fraction of a decode, or without reading
/// any packet from an MP4/MOV sample table that FFmpeg's own index confirms.
struct VideoIndex {
    /// One video packet: what the demuxer says about it.
    struct Entry {
        let pts: Int64?
        let dts: Int64?
        let isKey: Bool
    }

    /// Packets in decode order (packets the container marks as discarded are left out).
    let packets: [Entry]
    /// Frame i's pts, in presentation order. // [frameCount]
    let presentation: [Int64]
    /// Decode position of the packet carrying each pts.
    let decodePosition: [Int64: Int]
    /// Packets the demuxer flagged corrupt (a sample table flags none).
    let corruptPackets: Int
    /// Where the entries come from.
    let source: SamplingReport.IndexSource

    var frameCount: Int { packets.count }

    /// Whether timestamps identify frames: every packet has a pts and no two share one. When false, frames can only
    /// be numbered by counting a sequential decode.
    var hasExactTimestamps: Bool { presentation.count == packets.count && decodePosition.count == packets.count }

    /// Reads every packet of stream `stream` of a fresh demuxer on `location`.
    init(_ location: String, stream: Int32, options: MediaOptions, abortHandle: MediaAbortHandle) throws {
        let format = try FormatContext(location, options: options, abortHandle: abortHandle)
        format.discardAll(except: [stream])
        let packet = try Packet(location)
        var packets: [Entry] = []
        var corrupt = 0
        let nopts = vigil_nopts_value()
        while try format.read(into: packet) != .endOfStream {
            defer { packet.unref() }
            let p = packet.pointer.pointee
            guard p.stream_index == stream, p.flags & AV_PKT_FLAG_DISCARD == 0 else { continue }
            if p.flags & AV_PKT_FLAG_CORRUPT != 0 { corrupt += 1 }
            packets.append(Entry(pts: p.pts == nopts ? nil : p.pts, dts: p.dts == nopts ? nil : p.dts,
                                 isKey: p.flags & AV_PKT_FLAG_KEY != 0))
        }
        if abortHandle.isAborted { throw MediaError(.unavailable, location, "aborted while indexing") }
        self.init(packets: packets, corruptPackets: corrupt, source: .packets)
    }

    /// An index of `packets` (decode order).
    init(packets: [Entry], corruptPackets: Int, source: SamplingReport.IndexSource) {
        self.packets = packets
        self.corruptPackets = corruptPackets
        self.source = source
        self.presentation = packets.compactMap(\.pts).sorted()
        var positions: [Int64: Int] = [:]
        for (position, entry) in packets.enumerated() {
            if let pts = entry.pts { positions[pts] = position }
        }
        self.decodePosition = positions
    }

    /// The decode position of the keyframe to start from so that the frame at decode position `position` (with
    /// presentation time `pts`) decodes exactly: the last keyframe at or before it in decode order whose own pts is
    /// not later (so open-GOP leading frames start from the GOP before).
    func keyframePosition(before position: Int, pts: Int64) -> Int {
        var candidate = position
        while candidate > 0 {
            let entry = packets[candidate]
            if entry.isKey, let keyPTS = entry.pts, keyPTS <= pts { return candidate }
            candidate -= 1
        }
        return 0
    }
}
