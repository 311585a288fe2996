// A hostile fragmented MP4 can declare millions of samples in a few bytes; FFmpeg's demuxer then builds an index
// entry for each before Vigil sees a packet: 2.7 GB of index from a 2 KB file whose one trun declares 83,886,080
// samples, once per demuxer (Vigil opens two for a count by packets). Found by `Fuzz/run.sh mp4`.
import Foundation

/// Refuses a local MP4/MOV whose fragments' track runs declare more samples than the file has bytes. Every sample
/// a demuxer returns takes at least one byte of the file's media data (FFmpeg skips empty ones), so such a count is
/// damage or an attack, never media. Only fragments (moof/traf/trun) are counted: a moov's per-sample tables hold
/// four bytes per sample that FFmpeg reads before it believes them, and a constant-size table (QuickTime's PCM and
/// IMA audio count samples, not bytes) is indexed per chunk. Reads box headers and counts only, before FFmpeg opens
/// the file.
enum MP4SampleCountGuard {
    /// The refusal for the local file at `path`, else nil (also for anything that is not a fragmented MP4/MOV).
    static func refusal(forFileAt path: String) -> String? {
        guard let file = MP4BoxFile(path: path), let boxes = file.children(of: 0..<file.size, upToDamage: true)
        else { return nil }
        var declared: UInt64 = 0
        for moof in boxes where moof.type == "moof" {
            for traf in file.children(of: moof.body, upToDamage: true) ?? [] where traf.type == "traf" {
                for trun in file.children(of: traf.body, upToDamage: true) ?? [] where trun.type == "trun" {
                    declared += sampleCount(file, trun: trun.body)
                }
            }
            if declared > file.size {
                return "declares \(declared) or more samples in a file of \(file.size) bytes (damaged or hostile MP4 fragments)"
            }
        }
        return nil
    }

    /// A trun's `sample_count` (after its version and flags); 0 when the box is shorter.
    private static func sampleCount(_ file: MP4BoxFile, trun: Range<UInt64>) -> UInt64 {
        guard trun.lowerBound + 8 <= trun.upperBound, let bytes = file.read((trun.lowerBound + 4)..<(trun.lowerBound + 8))
        else { return 0 }
        return UInt64(MP4BoxBytes(bytes).u32(0) ?? 0)
    }
}
