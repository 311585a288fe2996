// How a camera's URL is opened: read and open deadlines from the no-frames timeout, the RTSP transport.
import Media

/// Media options for watching a camera.
enum CameraInput {
    /// Opening and each read may wait `--no-frames-timeout` seconds (network inputs; FFmpeg's interrupt callback
    /// enforces it); RTSP uses the camera's transport.
    static func options(for camera: CameraSpec) -> MediaOptions {
        let timeout = camera.settings.noFramesTimeoutSeconds
        return MediaOptions(openTimeout: timeout, readTimeout: timeout, rtspTransport: camera.settings.rtspTransport)
    }
}
