#!/usr/bin/python3
"""A real RTSP server for vigil watch's tests and benchmarks (GStreamer's, from Debian packages).

Run with Debian's /usr/bin/python3 (it has gi); serves on 127.0.0.1 only, over UDP and TCP.
  /usr/bin/python3 tools/rtsp_server.py --port 8554 --mount /cam                 # live test pattern
  /usr/bin/python3 tools/rtsp_server.py --port 8554 --mount /cam --file clip.mp4  # an H.264 MP4, looped per client
Prints "ready rtsp://127.0.0.1:PORT/MOUNT" on stdout once it listens.
"""
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def launch_line(args):
    if args.file:
        return (f'( filesrc location="{args.file}" ! qtdemux ! h264parse config-interval=-1 '
                f'! rtph264pay name=pay0 pt=96 )')
    caps = f"video/x-raw,width={args.width},height={args.height},framerate={args.fps}/1"
    return (f"( videotestsrc is-live=true pattern=ball ! {caps} ! x264enc tune=zerolatency speed-preset=ultrafast "
            f"key-int-max={args.fps} ! h264parse config-interval=-1 ! rtph264pay name=pay0 pt=96 )")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8554)
    parser.add_argument("--mount", default="/cam")
    parser.add_argument("--file", help="an MP4 with H.264 video; default: a live test pattern")
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=240)
    parser.add_argument("--fps", type=int, default=10)
    args = parser.parse_args()
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch_line(args))
    factory.set_shared(True)
    server.get_mount_points().add_factory(args.mount, factory)
    if server.attach(None) == 0:
        sys.exit(f"rtsp_server: cannot listen on 127.0.0.1:{args.port}")
    print(f"ready rtsp://127.0.0.1:{args.port}{args.mount}", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
