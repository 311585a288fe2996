#!/usr/bin/env python3
"""A webhook receiver for the sink tests (Python's http.server on 127.0.0.1).

Prints "ready" once listening, then one line per accepted POST body. With --fail N it answers the first N POSTs
with 500; with --hang it never answers (the connection stays open until the client gives up).
Usage: webhook_receiver.py --port PORT [--fail N] [--hang]
"""
import argparse
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--fail", type=int, default=0)
parser.add_argument("--hang", action="store_true")
options = parser.parse_args()
lock = threading.Lock()
failures_left = options.fail


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        global failures_left
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if options.hang:
            time.sleep(3600)
        with lock:
            failing = failures_left > 0
            if failing:
                failures_left -= 1
            else:
                sys.stdout.write(body.decode("utf-8") + "\n")
                sys.stdout.flush()
        status = 500 if failing else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", options.port), Receiver)
server.daemon_threads = True
print("ready", flush=True)
server.serve_forever()
