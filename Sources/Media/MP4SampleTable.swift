// A small, defensive reader of one MP4/MOV track's sample tables (ISO/IEC 14496-12 §8.6, QuickTime "stbl"): every
// sample's decode time, composition offset and sync flag, read from the moov box without touching the media data.
// Anything it does not understand, or that does not add up, makes it give nil: callers then read the packets.
import Foundation

/// The timing tables of one track of a non-fragmented MP4/MOV file, in decode order.
struct MP4SampleTable {
    /// One edit list entry (`elst`): `mediaTime` -1 is an empty edit; `rate` is 16.16 fixed point.
    struct Edit: Equatable {
        let duration: Int64
        let mediaTime: Int64
        let rate: Int32
    }

    /// The track's media timescale (`mdhd`): timestamps count 1/timescale seconds.
    let timescale: UInt32
    /// Each sample's decode time from `stts` (starting at 0).
    let decodeTimes: [Int64]
    /// Each sample's composition offset from `ctts` (all 0 without one); pts = dts + offset before edits.
    let compositionOffsets: [Int64]
    /// Each sample's sync flag from `stss`; nil when the track has no `stss` (every sample is a sync sample).
    let syncSamples: [Bool]?
    /// The track's edit list (empty without one).
    let edits: [Edit]

    var sampleCount: Int { decodeTimes.count }

    /// The largest moov box read (a 10-hour 60 frames/s file's tables take a few tens of MB).
    static let moovLimit = 256 << 20

    /// Reads the tables of track `trackID` (tkhd's track_ID, FFmpeg's `AVStream.id` for MP4/MOV) of the file at
    /// `path`, expecting `expectedSamples` samples. Nil for a fragmented file (moof/mvex), a track without the needed
    /// boxes, counts that disagree, or any box that is short, overlong or out of bounds.
    init?(path: String, trackID: Int32, expectedSamples: Int) {
        guard expectedSamples > 0, let moov = Self.readMoov(path) else { return nil }
        let file = MP4BoxBytes(moov)
        guard let boxes = file.children(of: 0..<moov.count), !boxes.contains(where: { $0.type == "mvex" }) else { return nil }
        for trak in boxes where trak.type == "trak" {
            guard let id = file.trackID(trak.body), id == trackID else { continue }
            guard let table = Self.parse(file, trak: trak.body, expectedSamples: expectedSamples) else { return nil }
            self = table
            return
        }
        return nil
    }

    private init(timescale: UInt32, decodeTimes: [Int64], compositionOffsets: [Int64], syncSamples: [Bool]?,
                 edits: [Edit]) {
        self.timescale = timescale
        self.decodeTimes = decodeTimes
        self.compositionOffsets = compositionOffsets
        self.syncSamples = syncSamples
        self.edits = edits
    }

    private static func parse(_ file: MP4BoxBytes, trak: Range<Int>, expectedSamples n: Int) -> MP4SampleTable? {
        guard let mdia = file.child("mdia", of: trak), let mdhd = file.child("mdhd", of: mdia),
              let timescale = file.mediaTimescale(mdhd), timescale > 0,
              let minf = file.child("minf", of: mdia), let stbl = file.child("stbl", of: minf),
              let sizes = file.child("stsz", of: stbl) ?? file.child("stz2", of: stbl),
              file.u32(sizes.lowerBound + 8).map(Int.init) == n,  // sample_count (stsz and stz2 alike)
              let stts = file.child("stts", of: stbl), let decodeTimes = file.decodeTimes(stts, count: n)
        else { return nil }
        var offsets = [Int64](repeating: 0, count: n)
        if let ctts = file.child("ctts", of: stbl) {
            guard let read = file.compositionOffsets(ctts, count: n) else { return nil }
            offsets = read
        }
        var sync: [Bool]?
        if let stss = file.child("stss", of: stbl) {
            guard let read = file.syncSamples(stss, count: n) else { return nil }
            sync = read
        }
        var edits: [Edit] = []
        if let edts = file.child("edts", of: trak), let elst = file.child("elst", of: edts) {
            guard let read = file.edits(elst) else { return nil }
            edits = read
        }
        return MP4SampleTable(timescale: timescale, decodeTimes: decodeTimes, compositionOffsets: offsets,
                              syncSamples: sync, edits: edits)
    }

    /// The bytes of the file's one top-level moov box; nil when there is none, it is too large, or a moof box
    /// (a fragment) is found.
    private static func readMoov(_ path: String) -> [UInt8]? {
        guard let file = MP4BoxFile(path: path), let boxes = file.topLevel(), !boxes.contains(where: { $0.type == "moof" })
        else { return nil }
        let moovs = boxes.filter { $0.type == "moov" }
        guard moovs.count == 1, moovs[0].body.count <= moovLimit else { return nil }
        return file.read(moovs[0].body)
    }
}

/// Box walking over the bytes of a moov box; every read is bounds-checked and gives nil when short.
extension MP4BoxBytes {
    /// The boxes directly inside `range` (type and body); nil when a size runs past the range.
    fileprivate func children(of range: Range<Int>) -> [(type: String, body: Range<Int>)]? {
        var result: [(type: String, body: Range<Int>)] = []
        var offset = range.lowerBound
        while offset + 8 <= range.upperBound {
            guard let box = header(at: offset, room: UInt64(range.upperBound - offset)) else { return nil }
            result.append((box.type, (offset + box.headerSize)..<(offset + Int(box.size))))
            offset += Int(box.size)
        }
        return result
    }

    /// The one child box of `type` inside `range`; nil when absent, repeated or malformed.
    fileprivate func child(_ type: String, of range: Range<Int>) -> Range<Int>? {
        guard let found = children(of: range)?.filter({ $0.type == type }), found.count == 1 else { return nil }
        return found[0].body
    }

    /// A full box's version byte; its fields start 4 bytes into the body.
    fileprivate func version(_ box: Range<Int>) -> UInt8? { box.count >= 4 ? bytes[box.lowerBound] : nil }

    /// tkhd's track_ID.
    fileprivate func trackID(_ trak: Range<Int>) -> Int32? {
        guard let tkhd = child("tkhd", of: trak), let version = version(tkhd) else { return nil }
        let at = tkhd.lowerBound + (version == 1 ? 20 : 12)
        guard at + 4 <= tkhd.upperBound, let id = u32(at), id <= UInt32(Int32.max) else { return nil }
        return Int32(id)
    }

    /// mdhd's timescale.
    fileprivate func mediaTimescale(_ mdhd: Range<Int>) -> UInt32? {
        guard let version = version(mdhd) else { return nil }
        let at = mdhd.lowerBound + (version == 1 ? 20 : 12)
        return at + 4 <= mdhd.upperBound ? u32(at) : nil
    }

    /// The entry count of a full box whose entries of `entrySize` bytes follow it; nil when they overrun the box.
    fileprivate func entries(_ box: Range<Int>, entrySize: Int) -> Int? {
        guard let count = u32(box.lowerBound + 4).map(Int.init), box.count >= 8,
              count <= (box.count - 8) / entrySize else { return nil }
        return count
    }

    /// stts: decode times of `count` samples (the deltas must cover exactly `count` samples).
    fileprivate func decodeTimes(_ stts: Range<Int>, count: Int) -> [Int64]? {
        guard let entries = entries(stts, entrySize: 8) else { return nil }
        var times: [Int64] = []
        times.reserveCapacity(count)
        var time: Int64 = 0
        for entry in 0..<entries {
            let at = stts.lowerBound + 8 + entry * 8
            guard let samples = u32(at).map(Int.init), let delta = u32(at + 4).map(Int64.init),
                  samples <= count - times.count else { return nil }
            for _ in 0..<samples {
                times.append(time)
                time += delta
            }
        }
        return times.count == count ? times : nil
    }

    /// ctts: composition offsets of `count` samples (version 1 offsets are signed; version 0 ones are read as signed
    /// too, as FFmpeg does, since writers put negative offsets in version 0 boxes).
    fileprivate func compositionOffsets(_ ctts: Range<Int>, count: Int) -> [Int64]? {
        guard let entries = entries(ctts, entrySize: 8) else { return nil }
        var offsets: [Int64] = []
        offsets.reserveCapacity(count)
        for entry in 0..<entries {
            let at = ctts.lowerBound + 8 + entry * 8
            guard let samples = u32(at).map(Int.init), let raw = u32(at + 4), samples <= count - offsets.count else {
                return nil
            }
            offsets.append(contentsOf: repeatElement(Int64(Int32(bitPattern: raw)), count: samples))
        }
        return offsets.count == count ? offsets : nil
    }

    /// stss: the sync flag of each of `count` samples (numbers are 1-based, ascending, in range).
    fileprivate func syncSamples(_ stss: Range<Int>, count: Int) -> [Bool]? {
        guard let entries = entries(stss, entrySize: 4) else { return nil }
        var sync = [Bool](repeating: false, count: count)
        var previous = 0
        for entry in 0..<entries {
            guard let number = u32(stss.lowerBound + 8 + entry * 4).map(Int.init), number > previous, number <= count
            else { return nil }
            sync[number - 1] = true
            previous = number
        }
        return sync
    }

    /// elst entries.
    fileprivate func edits(_ elst: Range<Int>) -> [MP4SampleTable.Edit]? {
        guard let version = version(elst), version <= 1 else { return nil }
        let wide = version == 1
        guard let entries = entries(elst, entrySize: wide ? 20 : 12) else { return nil }
        var edits: [MP4SampleTable.Edit] = []
        for entry in 0..<entries {
            let at = elst.lowerBound + 8 + entry * (wide ? 20 : 12)
            if wide {
                guard let duration = u64(at), let time = u64(at + 8), let rate = u32(at + 16) else { return nil }
                edits.append(.init(duration: Int64(bitPattern: duration), mediaTime: Int64(bitPattern: time),
                                   rate: Int32(bitPattern: rate)))
            } else {
                guard let duration = u32(at), let time = u32(at + 4), let rate = u32(at + 8) else { return nil }
                edits.append(.init(duration: Int64(duration), mediaTime: Int64(Int32(bitPattern: time)),
                                   rate: Int32(bitPattern: rate)))
            }
        }
        return edits
    }
}
