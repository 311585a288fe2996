// Encodes RGB24 frames as PNG with FFmpeg's PNG encoder, so a person can look at sampled frames. The bytes are
// written by the caller like every other output (Formats' OutputFile: temporary name, no links followed, rename).
import CFFmpeg
import Foundation

/// Encodes `VideoFrame`s as PNG (FFmpeg's PNG encoder; one encoder per frame size, reused).
public final class PNGWriter {
    private var encoder: CodecContext?
    private var encoderSize: FrameSize?
    private let frame: Frame
    private let packet: Packet

    public init() throws {
        frame = try Frame("png")
        packet = try Packet("png")
    }

    /// The PNG bytes of `image`; failures are errors naming `path` (the file they are meant for).
    public func encode(_ image: VideoFrame, for path: String) throws -> Data {
        let size = FrameSize(width: image.width, height: image.height)
        guard image.width > 0, image.height > 0, image.rgb.count == image.width * image.height * 3 else {
            throw MediaError(.usage, path, "not an RGB24 picture of \(image.width)x\(image.height)")
        }
        if encoderSize != size {
            encoder = try CodecContext.encoder(AV_CODEC_ID_PNG, width: image.width, height: image.height, format: AV_PIX_FMT_RGB24, path)
            encoderSize = size
        }
        guard let encoder else { throw MediaError(.internal, path, "no PNG encoder") }
        try fill(frame, with: image, path)
        defer { frame.unref() }
        var bytes = Data()
        _ = try encoder.send(frame)
        while case .ok = try encoder.receive(packet) {
            bytes.append(packet.pointer.pointee.data, count: Int(packet.pointer.pointee.size))
            packet.unref()
        }
        return bytes
    }

    /// Copies the picture into an FFmpeg-allocated frame row by row (FFmpeg's rows may be padded).
    private func fill(_ frame: Frame, with image: VideoFrame, _ path: String) throws {
        let f = frame.pointer
        f.pointee.format = AV_PIX_FMT_RGB24.rawValue
        f.pointee.width = Int32(image.width)
        f.pointee.height = Int32(image.height)
        try ffCheck(av_frame_get_buffer(f, 0), "cannot allocate a picture", path)
        guard let destination = f.pointee.data.0 else { throw MediaError(.internal, path, "no picture buffer") }
        let rowBytes = image.width * 3, stride = Int(f.pointee.linesize.0)
        image.rgb.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            for row in 0..<image.height {
                (destination + row * stride).update(from: base + row * rowBytes, count: rowBytes)
            }
        }
    }
}
