#!/usr/bin/python3
"""Writes the golden msgpack records of tests/data/ with an independent
msgpack implementation (Python's msgpack module, Debian python3-msgpack).

tests/unit/test-mp.c decodes each file and checks every field, and encodes
the same message with kc_mp_encode() and compares it byte for byte. So the
records use the key order of kc_mp_encode() (v, id, type, room, user, text,
ts, to, via) and msgpack's smallest encodings, which is what packb() does
with use_bin_type=True (str8 for 32..255-byte strings, uint64 for ts).

golden-foreign.mp is decode-only: keys in another order, unknown keys with
nested values, and v packed as int8 - what another client might write.

Run from anywhere: ./tests/data/gen-golden.py  (rewrites the .mp files).
"""
import os
import msgpack

HERE = os.path.dirname(os.path.abspath(__file__))

ID = "01HF8ZQK6C3J9V2W4X5Y6Z7A8B"
TS = 1700000000123456


def record(type_, room, user, text=None, ts=TS, to=None, via=None, id_=ID):
    r = {"v": 1, "id": id_, "type": type_, "room": room, "user": user}
    if text is not None:
        r["text"] = text
    r["ts"] = ts
    if to is not None:
        r["to"] = to
    if via is not None:
        r["via"] = via
    return msgpack.packb(r, use_bin_type=True)


GOLDEN = {
    "golden-message.mp": record("message", "general", "john_doe",
                                "Hello, world!"),
    "golden-action.mp": record("action", "general", "alice",
                               "waves at everyone"),
    "golden-join.mp": record("join", "random", "bob"),
    "golden-leave.mp": record("leave", "random", "bob", via="web"),
    "golden-dm.mp": record("dm", "general", "alice", "psst, a secret",
                           to="bob", via="tui"),
    "golden-heartbeat.mp": record("heartbeat", "general", "carol",
                                  via="tui"),
    # 36 bytes: a str8 text with UTF-8, a newline and a tab.
    "golden-utf8.mp": record("message", "dev.ops-2", "_zoe",
                             "h\u00e9llo \u4e16\u754c \U0001f600\n"
                             "line two\tthe end."),
    # 300 bytes: a str16 text; the earliest valid ts (2000-01-01).
    "golden-long.mp": record("message", "general", "john_doe",
                             "x" * 300, ts=946684800000000),
}

FOREIGN = (
    b"\x89"
    + msgpack.packb("ts", use_bin_type=True) + msgpack.packb(TS)
    + msgpack.packb("user", use_bin_type=True)
    + msgpack.packb("john_doe", use_bin_type=True)
    + msgpack.packb("extra", use_bin_type=True)
    + msgpack.packb({"nested": [1, [2, {"deep": None}], b"\x00\x01", 1.5]},
                    use_bin_type=True)
    + msgpack.packb("room", use_bin_type=True)
    + msgpack.packb("general", use_bin_type=True)
    + msgpack.packb("type", use_bin_type=True)
    + msgpack.packb("message", use_bin_type=True)
    + msgpack.packb("text", use_bin_type=True)
    + msgpack.packb("from a foreign client", use_bin_type=True)
    + msgpack.packb("id", use_bin_type=True)
    + msgpack.packb(ID, use_bin_type=True)
    + msgpack.packb("v", use_bin_type=True) + b"\xd0\x01"
    + msgpack.packb("x-flag", use_bin_type=True) + msgpack.packb(True)
)


def main():
    for name, data in GOLDEN.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
    # Check the hand-assembled record really is one map of 9 entries.
    d = msgpack.unpackb(FOREIGN, raw=False)
    assert len(d) == 9 and d["v"] == 1 and d["ts"] == TS, d
    with open(os.path.join(HERE, "golden-foreign.mp"), "wb") as f:
        f.write(FOREIGN)


if __name__ == "__main__":
    main()
