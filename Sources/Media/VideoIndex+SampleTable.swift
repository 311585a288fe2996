// Index-only planning: the video index of an MP4/MOV file from its sample table, without reading a packet.
import CFFmpeg

extension VideoIndex {
    /// Codecs whose MP4 packets FFmpeg passes through unchanged (no parser splits, merges or re-flags them), so the
    /// sample table describes the packets exactly. Tests compare both indexes for these.
    private static let sampleTableCodecs: Set<UInt32> = [
        AV_CODEC_ID_H264.rawValue, AV_CODEC_ID_HEVC.rawValue, AV_CODEC_ID_MPEG4.rawValue,
    ]

    /// The index of `stream` of the MP4/MOV file `path` opened as `format`, from the track's sample table: each
    /// packet's dts and key flag from FFmpeg's index (which the demuxer built from stts/stss and the edit list at
    /// open), its pts from our reading of ctts. Nil, so that the caller reads the packets instead, unless everything
    /// agrees: a non-fragmented file whose track has one sample per index entry (none empty — the demuxer never
    /// returns a zero-sized sample as a packet, so the pass would number the frames after it differently — and none
    /// past the end of the file),
    /// no negative composition offset (FFmpeg shifts those), at most one edit at normal rate that is not empty,
    /// FFmpeg's dts equal to the table's decode times up to one constant (the edit list's shift), and FFmpeg's
    /// key flags equal to a non-empty stss (without one FFmpeg's parser flags the packets). The packets' key flags
    /// come from FFmpeg's header parser, which can disagree with a damaged table, so the sampler also checks every
    /// packet it reads against the index and finishes from the packets if one differs.
    init?(sampleTableOf stream: UnsafeMutablePointer<AVStream>, format: FormatContext, path: String) {
        guard let name = format.pointer.pointee.iformat?.pointee.name, String(cString: name).contains("mp4"),
              let parameters = stream.pointee.codecpar,
              Self.sampleTableCodecs.contains(parameters.pointee.codec_id.rawValue) else { return nil }
        let count = Int(avformat_index_get_entries_count(stream))
        guard count > 0, Int(stream.pointee.nb_frames) == count,
              let table = MP4SampleTable(path: path, trackID: stream.pointee.id, expectedSamples: count),
              stream.pointee.time_base.num == 1, Int64(stream.pointee.time_base.den) == Int64(table.timescale),
              table.edits.isEmpty || (table.edits.count == 1 && table.edits[0].mediaTime >= 0
                                      && table.edits[0].rate == 0x10000),
              table.compositionOffsets.allSatisfy({ $0 >= 0 }),
              table.syncSamples?.contains(true) == true  // without stss FFmpeg may parse the packets for key flags
        else { return nil }
        let fileSize = format.pointer.pointee.pb.map { avio_size($0) } ?? -1
        guard fileSize > 0 else { return nil }
        var packets: [Entry] = []
        packets.reserveCapacity(count)
        var shift: Int64?
        for sample in 0..<count {
            guard let entry = avformat_index_get_entry(stream, Int32(sample))?.pointee,
                  entry.size > 0, entry.pos >= 0, entry.pos + Int64(entry.size) <= fileSize else { return nil }
            let (dts, overflow) = entry.timestamp.subtractingReportingOverflow(table.decodeTimes[sample])
            guard !overflow, dts == (shift ?? dts) else { return nil }
            shift = dts
            let isKey = entry.flags & AVINDEX_KEYFRAME != 0
            guard isKey == (table.syncSamples?[sample] ?? true) else { return nil }
            if entry.flags & AVINDEX_DISCARD_FRAME != 0 { continue }  // what the demux pass leaves out, too
            packets.append(Entry(pts: entry.timestamp + table.compositionOffsets[sample], dts: entry.timestamp, isKey: isKey))
        }
        self.init(packets: packets, corruptPackets: 0, source: .sampleTable)
    }
}
