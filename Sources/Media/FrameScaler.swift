// Converts decoded pictures to packed RGB24 at a requested size with swscale.
import CFFmpeg

/// Owns a SwsContext (sws_getCachedContext / sws_freeContext) turning decoded frames into RGB24.
final class FrameScaler {
    private var context: OpaquePointer?
    private let size: FrameSize?
    private let location: String

    /// `size` nil keeps each frame's own size.
    init(size: FrameSize?, _ location: String) {
        self.size = size
        self.location = location
    }

    deinit { sws_freeContext(context) }

    /// The frame as a `VideoFrame` with the given index and presentation time.
    func convert(_ frame: Frame, index: Int, pts: Double) throws -> VideoFrame {
        let source = frame.pointer
        let sourceWidth = source.pointee.width, sourceHeight = source.pointee.height
        let width = size?.width ?? Int(sourceWidth), height = size?.height ?? Int(sourceHeight)
        guard sourceWidth > 0, sourceHeight > 0, width > 0, height > 0 else {
            throw MediaError(.malformed, location, "frame \(index) has no picture")
        }
        context = sws_getCachedContext(context, sourceWidth, sourceHeight, AVPixelFormat(source.pointee.format),
                                       Int32(width), Int32(height), AV_PIX_FMT_RGB24, SWS_BILINEAR, nil, nil, nil)
        guard let context else { throw MediaError(.malformed, location, "cannot convert frame \(index) to RGB") }
        let stride = width * 3
        var rgb = [UInt8](repeating: 0, count: stride * height + 64)  // swscale may write a little past the last row
        let scaled = rgb.withUnsafeMutableBufferPointer { output -> Int32 in
            var planes: [UnsafeMutablePointer<UInt8>?] = [output.baseAddress, nil, nil, nil]
            var strides: [Int32] = [Int32(stride), 0, 0, 0]
            return withUnsafePointer(to: &source.pointee.data) { data in
                withUnsafePointer(to: &source.pointee.linesize) { linesize in
                    data.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { sourcePlanes in
                        linesize.withMemoryRebound(to: Int32.self, capacity: 8) { sourceStrides in
                            sws_scale(context, sourcePlanes, sourceStrides, 0, sourceHeight, &planes, &strides)
                        }
                    }
                }
            }
        }
        guard scaled == Int32(height) else { throw MediaError(.malformed, location, "cannot convert frame \(index) to RGB") }
        rgb.removeLast(64)
        return VideoFrame(index: index, pts: pts, width: width, height: height, rgb: rgb)
    }
}
