// Reads MediaInfo's facts out of an opened format context.
import CFFmpeg

extension MediaInfo {
    /// The facts FFmpeg's probe found (frame counts are filled in by `MediaSource`).
    init(format: FormatContext, location: String) {
        let context = format.pointer.pointee
        let nopts = vigil_nopts_value()
        input = location
        container = context.iformat.map { String(cString: $0.pointee.name) } ?? "unknown"
        duration = context.duration != nopts && context.duration > 0 ? Double(context.duration) / Double(AV_TIME_BASE) : nil
        bitRate = context.bit_rate > 0 ? Int(context.bit_rate) : nil
        streams = format.streams.map(StreamInfo.init)
        let video = av_find_best_stream(format.pointer, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        let audio = av_find_best_stream(format.pointer, AVMEDIA_TYPE_AUDIO, -1, -1, nil, 0)
        videoStream = video >= 0 ? Int(video) : nil
        audioStream = audio >= 0 ? Int(audio) : nil
    }
}

extension StreamInfo {
    init(_ stream: UnsafeMutablePointer<AVStream>) {
        let s = stream.pointee
        let parameters = s.codecpar.pointee
        index = Int(s.index)
        type = av_get_media_type_string(parameters.codec_type).map { String(cString: $0) } ?? "unknown"
        codec = String(cString: avcodec_get_name(parameters.codec_id))
        duration = s.duration != vigil_nopts_value() && s.duration > 0 ? Double(s.duration) * av_q2d(s.time_base) : nil
        switch parameters.codec_type {
        case AVMEDIA_TYPE_VIDEO:
            width = Int(parameters.width)
            height = Int(parameters.height)
            rotation = Self.rotation(stream)
            let rate = s.avg_frame_rate.num > 0 && s.avg_frame_rate.den > 0 ? s.avg_frame_rate : s.r_frame_rate
            frameRate = rate.num > 0 && rate.den > 0 ? av_q2d(rate) : nil
            frameCount = nil
            pixelFormat = av_get_pix_fmt_name(AVPixelFormat(parameters.format)).map { String(cString: $0) }
        case AVMEDIA_TYPE_AUDIO:
            sampleRate = Int(parameters.sample_rate)
            channels = Int(parameters.ch_layout.nb_channels)
            sampleFormat = av_get_sample_fmt_name(AVSampleFormat(parameters.format)).map { String(cString: $0) }
        default:
            break
        }
    }

    /// Clockwise degrees from the display matrix side data (0 when there is none).
    private static func rotation(_ stream: UnsafeMutablePointer<AVStream>) -> Int {
        guard let matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, nil) else { return 0 }
        let counterClockwise = matrix.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
        guard counterClockwise.isFinite else { return 0 }
        let degrees = Int((-counterClockwise).rounded()) % 360
        return degrees < 0 ? degrees + 360 : degrees
    }
}
