// How a camera's URL is opened: read and open deadlines from the no-frames timeout, the RTSP transport, and
// tailing of a file that is still being written.
import Foundation
import Media

/// Where and how a camera's input is opened.
struct CameraInput {
    /// The location handed to FFmpeg.
    let location: String
    let options: MediaOptions
    /// True when a local file is followed as it grows (its end is "no growth for --no-frames-timeout").
    let isTail: Bool

    /// Opening and each read may wait `--no-frames-timeout` seconds (network inputs; FFmpeg's interrupt callback
    /// enforces it); RTSP uses the camera's transport. A local file modified within the last `--no-frames-timeout`
    /// seconds is still being written: it is probed as it is, then followed as it grows, and ends once it has not
    /// grown for `--no-frames-timeout` seconds (`MediaOptions.tailSeconds`), like any file at its end.
    init(_ camera: CameraSpec, now: Date = Date()) {
        let timeout = camera.settings.noFramesTimeoutSeconds
        var options = MediaOptions(openTimeout: timeout, readTimeout: timeout, rtspTransport: camera.settings.rtspTransport)
        let path = camera.url.hasPrefix("file://") ? String(camera.url.dropFirst(7)) : camera.url
        let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate]) as? Date
        isTail = camera.isLocalFile && modified.map { now.timeIntervalSince($0) < timeout } == true
        if isTail { options.tailSeconds = timeout }
        location = camera.url
        self.options = options
    }
}
