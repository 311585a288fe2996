// A camera's pre-roll: the last seconds of encoded packets as received, always starting at a video keyframe.

/// Keeps the most recent encoded packets (video and audio, interleaved as read) of one connection, so a clip can
/// start seconds before the event that asks for it. Bounded twice:
/// - by time: whole GOPs leave the front once the next keyframe is at least `seconds` older than the newest video
///   packet, so the ring always reaches `seconds` back (plus up to one GOP) and always starts at a keyframe;
/// - by bytes: while more than `maxBytes` are held, whole GOPs leave the front anyway and their packets are counted
///   in `droppedPackets` (a GOP larger than the bound is dropped whole and the ring waits for the next keyframe).
/// Not thread-safe: its owner serialises access.
public final class PacketRing {
    public let seconds: Double
    public let maxBytes: Int
    /// The packets held, oldest first; the first is a video keyframe (or the ring is empty).
    public private(set) var packets: [EncodedPacket] = []
    /// Payload bytes held.
    public private(set) var byteCount = 0
    /// Packets dropped because the byte bound bit (not counting ordinary ageing).
    public private(set) var droppedPackets = 0
    /// The video keyframes, ascending: their index into `packets` and their pts (kept here so that trimming, which
    /// looks at the second keyframe on every append, does not load a packet seconds old from memory).
    private var keyframes: [(index: Int, pts: Double)] = []
    /// Newest video presentation time seen.
    private var newest = -Double.infinity

    /// A ring holding `seconds` of stream time and at most `maxBytes` payload bytes.
    public init(seconds: Double, maxBytes: Int) {
        self.seconds = seconds
        self.maxBytes = maxBytes
    }

    /// Takes one packet. Packets before the first video keyframe are not kept (a clip cannot start there), nor are
    /// packets without any timestamp.
    public func append(_ packet: EncodedPacket) {
        guard packet.pts.isFinite else { return }
        if packets.isEmpty && !(packet.isVideo && packet.isKeyframe) { return }
        if packet.isVideo {
            newest = max(newest, packet.pts)
            if packet.isKeyframe { keyframes.append((packets.count, packet.pts)) }
        }
        packets.append(packet)
        byteCount += packet.size
        trim()
    }

    /// The packets from the last video keyframe at or before `time` (seconds of pts; the oldest keyframe when none
    /// is that old) to the newest, in the order they were read.
    public func packets(fromKeyframeAtOrBefore time: Double) -> ArraySlice<EncodedPacket> {
        let start = keyframes.last(where: { $0.pts <= time })?.index ?? keyframes.first?.index ?? packets.count
        return packets[start...]
    }

    /// The newest video presentation time held (nil when empty).
    public var newestPTS: Double? { packets.isEmpty ? nil : newest }

    /// Forgets everything (a new connection: timestamps and codec parameters may change). Keeps the drop count.
    public func reset() {
        packets.removeAll()
        keyframes.removeAll()
        byteCount = 0
        newest = -.infinity
    }

    private func trim() {
        while keyframes.count > 1, newest - keyframes[1].pts >= seconds { dropFirstGOP(counted: false) }
        while byteCount > maxBytes, !packets.isEmpty { dropFirstGOP(counted: true) }
    }

    /// Removes the packets before the second keyframe (all of them when there is only one GOP).
    private func dropFirstGOP(counted: Bool) {
        let end = keyframes.count > 1 ? keyframes[1].index : packets.count
        let removed = packets[..<end].reduce(0) { $0 + $1.size }
        packets.removeFirst(end)
        byteCount -= removed
        if counted { droppedPackets += end }
        keyframes.removeFirst()
        for index in keyframes.indices { keyframes[index].index -= end }  // in place: no allocation per GOP
        if packets.isEmpty { newest = -.infinity }
    }
}
