#!/usr/bin/python3
"""Makes a NATS decentralised-auth setup offline, for the credentials tests: an operator, an account with JetStream
and a user, as nkeys (Ed25519, from Debian's python3-cryptography) and JWTs signed with them, the way `nsc` (not in
Debian) would. Writes into FOLDER:
  server.conf   a nats-server configuration: PORT on 127.0.0.1, JetStream in FOLDER/store, the operator's JWT, a
                system account (JetStream needs one) and a memory resolver preloaded with both accounts' JWTs;
  user.creds    the user's JWT and nkey seed in NATS's credentials-file format (what `--nats-creds` reads);
  stranger.creds  a user signed by another account's key, which the server does not know (refused).
Usage: make_nats_creds.py FOLDER PORT
"""
import base64
import binascii
import hashlib
import json
import os
import sys
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

# nkeys prefixes (first byte of the decoded key): operator O, account A, user U, seed S.
PREFIX = {"operator": 14 << 3, "account": 0, "user": 20 << 3}
SEED_PREFIX = 18 << 3


def crc16(data):
    """CRC-16/XMODEM, the checksum nkeys append (little-endian)."""
    return binascii.crc_hqx(data, 0).to_bytes(2, "little")


def b32(data):
    return base64.b32encode(data).decode().rstrip("=")


class NKey:
    def __init__(self, kind):
        self.kind = kind
        self.private = Ed25519PrivateKey.generate()
        raw_public = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        body = bytes([PREFIX[kind]]) + raw_public
        self.public = b32(body + crc16(body))
        seed = self.private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        body = bytes([SEED_PREFIX | (PREFIX[kind] >> 5), (PREFIX[kind] & 31) << 3]) + seed
        self.seed = b32(body + crc16(body))

    def sign(self, data):
        return self.private.sign(data)


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwt(issuer, subject, name, nats):
    """A NATS v2 JWT for `subject`, signed by `issuer` (an NKey)."""
    claims = {"iat": int(time.time()), "iss": issuer.public, "name": name, "sub": subject.public, "nats": nats}
    claims["jti"] = b32(hashlib.sha256(json.dumps(claims, sort_keys=True).encode()).digest())
    header = b64url(json.dumps({"typ": "JWT", "alg": "ed25519-nkey"}).encode())
    payload = b64url(json.dumps(claims).encode())
    signature = b64url(issuer.sign(f"{header}.{payload}".encode()))
    return f"{header}.{payload}.{signature}"


def creds(user_jwt, user):
    return (f"-----BEGIN NATS USER JWT-----\n{user_jwt}\n------END NATS USER JWT------\n\n"
            "************************* IMPORTANT *************************\n"
            "NKEY Seed printed below can be used to sign and prove identity.\n"
            "NKEYs are sensitive and should be treated as secrets.\n\n"
            f"-----BEGIN USER NKEY SEED-----\n{user.seed}\n------END USER NKEY SEED------\n\n"
            "*************************************************************\n")


def main():
    folder, port = sys.argv[1], int(sys.argv[2])
    os.makedirs(folder, exist_ok=True)
    operator, system, account, user = NKey("operator"), NKey("account"), NKey("account"), NKey("user")
    unlimited = {"subs": -1, "data": -1, "payload": -1, "imports": -1, "exports": -1, "wildcards": True,
                 "conn": -1, "leaf": -1, "mem_storage": -1, "disk_storage": -1, "streams": -1, "consumer": -1}
    operator_jwt = jwt(operator, operator, "vigil-test-operator",
                       {"system_account": system.public, "type": "operator", "version": 2})
    system_jwt = jwt(operator, system, "SYS", {"limits": {"subs": -1, "data": -1, "payload": -1, "imports": -1,
                                                         "exports": -1, "wildcards": True, "conn": -1, "leaf": -1},
                                               "type": "account", "version": 2})
    account_jwt = jwt(operator, account, "vigil", {"limits": unlimited, "default_permissions": {"pub": {}, "sub": {}},
                                                   "type": "account", "version": 2})
    user_claims = {"pub": {}, "sub": {}, "subs": -1, "data": -1, "payload": -1, "type": "user", "version": 2}
    with open(os.path.join(folder, "operator.jwt"), "w") as f:
        f.write(operator_jwt)
    with open(os.path.join(folder, "server.conf"), "w") as f:
        f.write(f'listen: "127.0.0.1:{port}"\n'
                f'jetstream: {{store_dir: "{os.path.join(folder, "store")}"}}\n'
                f'operator: "{os.path.join(folder, "operator.jwt")}"\n'
                f"system_account: {system.public}\n"
                "resolver: MEMORY\n"
                f'resolver_preload: {{\n  {system.public}: "{system_jwt}"\n  {account.public}: "{account_jwt}"\n}}\n')
    for name, issuer in [("user", account), ("stranger", NKey("account"))]:
        person = user if name == "user" else NKey("user")
        with open(os.path.join(folder, f"{name}.creds"), "w") as f:
            f.write(creds(jwt(issuer, person, name, user_claims), person))
        os.chmod(os.path.join(folder, f"{name}.creds"), 0o600)


if __name__ == "__main__":
    main()
