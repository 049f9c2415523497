#!/usr/bin/env python3
"""make_corpus.py OUT -- writes the seed corpora of the libFuzzer targets into
OUT/<target>/ (npy, idx, image, protocol), with the standard library only:
small valid .npy files of each accepted dtype and versions 1.0/2.0/3.0, tiny
IDX files (images and labels, raw and gzip), tiny PNG and BMP images, and a few
valid protocol frames (harness/drivers/protocol.h). Deterministic: the same
bytes on every run, so nothing binary is committed."""
import gzip
import os
import struct
import sys
import zlib


def write(folder, name, data):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# -------------------------------------------------------------------- npy
def npy(descr, shape, payload, version=(1, 0), fortran=False):
    shp = "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (
        descr, "True" if fortran else "False", shp)
    lenbytes = 2 if version[0] == 1 else 4
    pre = 6 + 2 + lenbytes
    total = pre + len(header) + 1
    header += " " * ((64 - total % 64) % 64) + "\n"
    fmt = "<H" if lenbytes == 2 else "<I"
    return (b"\x93NUMPY" + bytes(version) + struct.pack(fmt, len(header))
            + header.encode("latin1") + payload)


def f32(values):
    return struct.pack(f"<{len(values)}f", *values)


def npy_corpus(out):
    d = os.path.join(out, "npy")
    write(d, "f32_2d.npy", npy("<f4", (2, 3), f32([0, 1, 2, 3.5, -4, 255])))
    write(d, "f32_3d.npy", npy("<f4", (2, 2, 3), f32(range(12))))
    write(d, "f32_4d.npy", npy("<f4", (1, 2, 2, 1), f32([1, 2, 3, 4])))
    write(d, "f32_4d_weights.npy", npy("<f4", (2, 2, 1, 2), f32(range(8))))
    write(d, "f32_1d.npy", npy("<f4", (5,), f32([1, 2, 3, 4, 5])))
    write(d, "f32_0d.npy", npy("<f4", (), f32([7])))
    write(d, "f32_empty.npy", npy("<f4", (0, 3), b""))
    write(d, "u8_2d.npy", npy("|u1", (3, 2), bytes([0, 1, 127, 128, 254, 255])))
    write(d, "u8_3d.npy", npy("|u1", (2, 2, 3), bytes(range(12))))
    write(d, "f32_v2.npy", npy("<f4", (2, 2), f32([1, 2, 3, 4]), version=(2, 0)))
    write(d, "f32_v3.npy", npy("<f4", (2, 2), f32([1, 2, 3, 4]), version=(3, 0)))
    # refused ones, close to the accepted ones
    write(d, "f64_refused.npy", npy("<f8", (2,), struct.pack("<2d", 1, 2)))
    write(d, "fortran_refused.npy", npy("<f4", (2, 2), f32([1, 2, 3, 4]), fortran=True))
    write(d, "short_refused.npy", npy("<f4", (4, 4), f32([1, 2, 3])))


# -------------------------------------------------------------------- idx
def idx(type_code, dims, payload):
    return (struct.pack(">HBB", 0, type_code, len(dims))
            + b"".join(struct.pack(">I", x) for x in dims) + payload)


def idx_corpus(out):
    d = os.path.join(out, "idx")
    images = idx(0x08, (2, 28, 28), bytes((i * 7) % 256 for i in range(2 * 28 * 28)))
    labels = idx(0x08, (5,), bytes([0, 9, 3, 1, 7]))
    small = idx(0x08, (1, 2, 2), bytes([1, 2, 3, 4]))
    write(d, "images.idx3", images)
    write(d, "labels.idx1", labels)
    write(d, "small.idx3", small)
    write(d, "images.idx3.gz", gzip.compress(images, mtime=0))
    write(d, "labels.idx1.gz", gzip.compress(labels, mtime=0))
    write(d, "truncated.idx3.gz", gzip.compress(images, mtime=0)[:200])


# ------------------------------------------------------------------ image
def png(w, h, color_type, bit_depth, rows, palette=None):
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    raw = b"".join(b"\x00" + r for r in rows)
    out = b"\x89PNG\r\n\x1a\n"
    out += chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 0))
    if palette:
        out += chunk(b"PLTE", palette)
    out += chunk(b"IDAT", zlib.compress(raw, 9))
    return out + chunk(b"IEND", b"")


def bmp24(w, h):
    row = bytearray()
    rows = []
    for y in range(h):
        row = bytearray()
        for x in range(w):
            row += bytes([(x * 40) % 256, (y * 60) % 256, 128])
        row += b"\x00" * ((4 - len(row) % 4) % 4)
        rows.append(bytes(row))
    pixels = b"".join(rows)
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    head = struct.pack("<2sIHHI", b"BM", 14 + len(info) + len(pixels), 0, 0, 14 + len(info))
    return head + info + pixels


def image_corpus(out):
    d = os.path.join(out, "image")
    write(d, "gray.png", png(3, 2, 0, 8, [bytes([0, 128, 255]), bytes([10, 20, 30])]))
    write(d, "rgb.png", png(2, 2, 2, 8, [bytes(range(6)), bytes(range(6, 12))]))
    write(d, "rgba.png", png(2, 1, 6, 8, [bytes([255, 0, 0, 128, 0, 255, 0, 255])]))
    write(d, "graya.png", png(2, 1, 4, 8, [bytes([50, 255, 100, 0])]))
    write(d, "gray16.png", png(2, 1, 0, 16, [bytes([1, 0, 255, 255])]))
    write(d, "palette.png", png(4, 1, 3, 2, [bytes([0b00011011])],
                                palette=bytes([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255])))
    write(d, "rgb.bmp", bmp24(3, 2))


# --------------------------------------------------------------- protocol
MAGIC = 0x50574C43


def frame(kind, payload, seq=1):
    return struct.pack("<IHHII", MAGIC, 1, kind, seq, len(payload)) + payload


def pstr(s):
    b = s.encode()
    return struct.pack("<I", len(b)) + b


def arr(kind, dims=(1, 1, 1, 1), values=None):
    if kind == 0:
        return b"\x00"
    out = bytes([kind]) + struct.pack("<4i", *dims)
    if kind == 1:
        n = dims[0] * dims[1] * dims[2] * dims[3]
        out += f32(values if values is not None else [float(i) for i in range(n)])
    return out


def call(fn, images, weights=b"\x00", bias=None, ints=(), floats=()):
    p = struct.pack("<I", fn) + bytes([len(images)]) + b"".join(images) + weights
    p += struct.pack("<i", -1) if bias is None else struct.pack("<i", len(bias)) + f32(bias)
    p += bytes([len(ints)]) + struct.pack(f"<{len(ints)}i", *ints)
    p += bytes([len(floats)]) + f32(floats)
    return frame(3, p)


def reply(status, flags, error, mods, out):
    p = struct.pack("<iI", status, flags) + pstr(error) + bytes([len(mods)])
    for slot, index, bits in mods:
        p += struct.pack("<BQI", slot, index, bits)
    return frame(4, p + out)


def protocol_corpus(out):
    d = os.path.join(out, "protocol")
    write(d, "hello.bin", frame(1, b""))
    write(d, "quit.bin", frame(5, b""))
    write(d, "hello_reply.bin", frame(2, struct.pack("<I", 0x3fff) + pstr("convlab 1.0")))
    img = arr(1, (1, 3, 3, 1))
    ker = arr(1, (1, 2, 2, 1), [1, 0, 0, -1])
    write(d, "call_size.bin", call(0, [], ints=(5, 3, 1, 0)))
    write(d, "call_conv.bin", call(2, [img, ker]))
    write(d, "call_null_empty.bin", call(2, [arr(0), arr(2, (1, 4, 4, 1))]))
    write(d, "call_conv2d.bin", call(8, [arr(1, (1, 2, 2, 1))],
                                     weights=arr(1, (1, 1, 1, 2), [0.5, 2]),
                                     bias=[1, -1], ints=(1, 1, 0)))
    write(d, "call_threshold.bin", call(6, [img], floats=(40.0, 255.0)))
    write(d, "reply_image.bin", reply(0, 0, "", [], b"\x01" + struct.pack("<4i", 1, 2, 2, 1)
                                      + f32([1, 2, 3, 4])))
    write(d, "reply_shape.bin", reply(0, 4, "", [], b"\x02" + struct.pack("<4i", 1, 9, 9, 3)))
    write(d, "reply_bytes.bin", reply(0, 0, "", [(0, 3, 0x3f800000)],
                                      b"\x03" + struct.pack("<Q", 3) + bytes([0, 128, 255])))
    write(d, "reply_error.bin", reply(-2, 1, "conv: kernel larger than image", [], b"\x00"))
    write(d, "stream.bin", frame(1, b"") + call(2, [img, ker], ) + frame(5, b""))
    # timing: PREPARE (a CALL payload), READY, GO, DONE, FETCH, then the REPLY
    prepare = call(13, [img, ker])
    prepare = prepare[:6] + struct.pack("<H", 6) + prepare[8:]
    write(d, "timing.bin", prepare + frame(7, b"") + frame(8, struct.pack("<QI", 4, 0x3f800000))
          + frame(9, struct.pack("<i", 0)) + frame(10, b"")
          + reply(0, 0, "", [], b"\x01" + struct.pack("<4i", 1, 2, 2, 1) + f32([1, 2, 3, 4])))
    write(d, "go_no_change.bin", frame(8, struct.pack("<QI", 2**64 - 1, 0)))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_corpus.py OUT")
    out = sys.argv[1]
    npy_corpus(out)
    idx_corpus(out)
    image_corpus(out)
    protocol_corpus(out)


if __name__ == "__main__":
    main()
