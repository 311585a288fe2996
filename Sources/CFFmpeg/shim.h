// Wrappers for the FFmpeg macros Swift cannot import. Each is a single call or constant, nothing more.
#pragma once
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/display.h>
#include <libavutil/tx.h>
#include <libavutil/channel_layout.h>
#include <libswscale/swscale.h>
#include <libswresample/swresample.h>

/// AVERROR(e): a POSIX errno as an FFmpeg error code.
static inline int vigil_averror(int e) { return AVERROR(e); }
/// AVERROR_EOF.
static inline int vigil_averror_eof(void) { return AVERROR_EOF; }
/// AVERROR_EXIT (what an interrupt callback makes a blocking call return).
static inline int vigil_averror_exit(void) { return AVERROR_EXIT; }
/// AVERROR_INVALIDDATA.
static inline int vigil_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
/// AV_NOPTS_VALUE.
static inline int64_t vigil_nopts_value(void) { return AV_NOPTS_VALUE; }
/// AV_TIME_BASE_Q.
static inline AVRational vigil_time_base_q(void) { return AV_TIME_BASE_Q; }
/// AV_CHANNEL_LAYOUT_MONO.
static inline AVChannelLayout vigil_channel_layout_mono(void) { return (AVChannelLayout)AV_CHANNEL_LAYOUT_MONO; }
