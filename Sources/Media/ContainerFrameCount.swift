// When a container's own frame count can be trusted without reading the packets.
import CFFmpeg

/// The container's frame count, only when it is exact.
enum ContainerFrameCount {
    /// MP4/MOV: `nb_frames` comes from the sample table, which lists every sample; it is exact when the demuxer's
    /// index holds that many entries and none is marked discarded (an edit list that drops frames). Other
    /// containers' header counts (AVI, MKV tags) can be wrong, so they get nil and a demux-only count instead. A
    /// truncated file (the last sample ends past the end of the file) gets nil too.
    static func exact(_ stream: UnsafeMutablePointer<AVStream>, format: FormatContext) -> Int? {
        guard let name = format.pointer.pointee.iformat?.pointee.name, String(cString: name).contains("mp4") else { return nil }
        let declared = Int(stream.pointee.nb_frames)
        let entries = Int(avformat_index_get_entries_count(stream))
        guard declared > 0, entries == declared else { return nil }
        let fileSize = format.pointer.pointee.pb.map { avio_size($0) } ?? -1
        for i in 0..<entries {
            guard let entry = avformat_index_get_entry(stream, Int32(i)) else { return nil }
            if entry.pointee.flags & AVINDEX_DISCARD_FRAME != 0 { return nil }
            if fileSize < 0 || entry.pointee.pos + Int64(entry.pointee.size) > fileSize { return nil }
        }
        return declared
    }
}
