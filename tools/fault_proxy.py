#!/usr/bin/env python3
"""Network faults on 127.0.0.1 for tools/fault_drills.sh (Python 3 standard library only).

    fault_proxy.py udp LISTEN_PORT TARGET_PORT [--loss P] [--corrupt P] [--seed S]
        forwards datagrams from 127.0.0.1:LISTEN_PORT to 127.0.0.1:TARGET_PORT, dropping a fraction P of them and
        flipping a byte in a fraction of the rest (seeded, so a drill repeats)
    fault_proxy.py silent PORT
        accepts TCP connections on 127.0.0.1:PORT and never sends a byte (a camera that answers and says nothing)

Prints "ready PORT" on stdout once listening; SIGUSR1 freezes forwarding (datagrams are swallowed), SIGUSR2 thaws.
"""
import argparse
import random
import signal
import socket
import sys


def udp(listen_port, target_port, loss, corrupt, seed):
    rng = random.Random(seed)
    frozen = [False]
    signal.signal(signal.SIGUSR1, lambda *_: frozen.__setitem__(0, True))
    signal.signal(signal.SIGUSR2, lambda *_: frozen.__setitem__(0, False))
    inbound = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    inbound.bind(("127.0.0.1", listen_port))
    outbound = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    print(f"ready {listen_port}", flush=True)
    while True:
        try:
            datagram = bytearray(inbound.recv(65536))
        except InterruptedError:
            continue
        if frozen[0] or rng.random() < loss:
            continue
        if datagram and rng.random() < corrupt:
            datagram[rng.randrange(len(datagram))] ^= 1 << rng.randrange(8)
        outbound.sendto(datagram, ("127.0.0.1", target_port))


def silent(port):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(16)
    print(f"ready {port}", flush=True)
    held = []
    while True:
        held.append(listener.accept()[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["udp", "silent"])
    parser.add_argument("ports", type=int, nargs="+")
    parser.add_argument("--loss", type=float, default=0.0, help="fraction of datagrams dropped")
    parser.add_argument("--corrupt", type=float, default=0.0, help="fraction of datagrams with one bit flipped")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    if arguments.mode == "udp":
        if len(arguments.ports) != 2:
            parser.error("udp needs LISTEN_PORT TARGET_PORT")
        udp(arguments.ports[0], arguments.ports[1], arguments.loss, arguments.corrupt, arguments.seed)
    else:
        silent(arguments.ports[0])


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
