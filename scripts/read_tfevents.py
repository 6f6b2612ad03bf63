#!/usr/bin/env python3
"""An independent reader of TensorBoard event files, for gumbel-torch's tests.

Builds the message descriptors with Python's protobuf (descriptor_pb2) from TensorBoard's .proto files
in lib/utils/tensorboard/proto (a small parser of the proto3 subset they use), checks every record's
masked CRC-32C with its own bitwise CRC, and prints what it read as JSON: scalars, images (decoded
PNG pixels), histograms, texts. A cut-short last record ends the file quietly, as TensorBoard does.

usage: read_tfevents.py EVENT_FILE...
"""
import json
import os
import re
import struct
import sys
import zlib

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

PROTO_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib", "utils", "tensorboard", "proto")
FDP = descriptor_pb2.FieldDescriptorProto
SCALARS = {
    "double": FDP.TYPE_DOUBLE, "float": FDP.TYPE_FLOAT, "int64": FDP.TYPE_INT64, "uint64": FDP.TYPE_UINT64,
    "int32": FDP.TYPE_INT32, "fixed64": FDP.TYPE_FIXED64, "fixed32": FDP.TYPE_FIXED32, "bool": FDP.TYPE_BOOL,
    "string": FDP.TYPE_STRING, "bytes": FDP.TYPE_BYTES, "uint32": FDP.TYPE_UINT32, "sfixed32": FDP.TYPE_SFIXED32,
    "sfixed64": FDP.TYPE_SFIXED64, "sint32": FDP.TYPE_SINT32, "sint64": FDP.TYPE_SINT64,
}


def tokens(text):
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.findall(r'"[^"]*"|[A-Za-z_][\w.]*|-?\d+|[{}\[\]=;<>,()]', text)


class Parser:
    def __init__(self, toks):
        self.t = toks
        self.i = 0

    def next(self):
        self.i += 1
        return self.t[self.i - 1]

    def peek(self):
        return self.t[self.i]

    def skip_statement(self):
        depth = 0
        while True:
            tok = self.next()
            if tok in "[(":
                depth += 1
            elif tok in "])":
                depth -= 1
            elif tok == ";" and depth == 0:
                return

    def enum(self, e):
        e.name = self.next()
        assert self.next() == "{"
        while self.peek() != "}":
            if self.peek() in ("option", "reserved"):
                self.skip_statement()
                continue
            v = e.value.add()
            v.name = self.next()
            assert self.next() == "="
            v.number = int(self.next())
            self.skip_statement()
        self.next()

    def field(self, m, label, oneof=None):
        typ = self.next()
        f = m.field.add()
        if typ == "map":
            raise ValueError("map fields are not needed by the files read here")
        f.name = self.next()
        assert self.next() == "="
        f.number = int(self.next())
        f.label = label
        if typ in SCALARS:
            f.type = SCALARS[typ]
        else:
            f.type_name = typ  # resolved by the pool (message or enum)
        if oneof is not None:
            f.oneof_index = oneof
        self.skip_statement()

    def message(self, m):
        m.name = self.next()
        assert self.next() == "{"
        while self.peek() != "}":
            tok = self.peek()
            if tok == "message":
                self.next()
                self.message(m.nested_type.add())
            elif tok == "enum":
                self.next()
                self.enum(m.enum_type.add())
            elif tok in ("option", "reserved", "extensions"):
                self.skip_statement()
            elif tok == "oneof":
                self.next()
                m.oneof_decl.add().name = self.next()
                assert self.next() == "{"
                while self.peek() != "}":
                    self.field(m, FDP.LABEL_OPTIONAL, len(m.oneof_decl) - 1)
                self.next()
            elif tok == "repeated":
                self.next()
                self.field(m, FDP.LABEL_REPEATED)
            else:
                if tok == "optional":
                    self.next()
                self.field(m, FDP.LABEL_OPTIONAL)
        self.next()
        if self.i < len(self.t) and self.peek() == ";":
            self.next()

    def file(self, name):
        fd = descriptor_pb2.FileDescriptorProto(name=name)
        while self.i < len(self.t):
            tok = self.next()
            if tok == "syntax":
                self.next()
                fd.syntax = self.next().strip('"')
                self.next()
            elif tok == "package":
                fd.package = self.next()
                self.next()
            elif tok == "import":
                if self.peek() in ("public", "weak"):
                    if self.next() == "public":
                        fd.public_dependency.append(len(fd.dependency))
                fd.dependency.append(self.next().strip('"'))
                self.next()
            elif tok == "option":
                self.i -= 1
                self.skip_statement()
            elif tok == "message":
                self.message(fd.message_type.add())
            elif tok == "enum":
                self.enum(fd.enum_type.add())
            elif tok == ";":
                pass
            else:
                raise ValueError("%s: unexpected %r" % (name, tok))
        return fd


def load_pool():
    pool = descriptor_pool.DescriptorPool()
    done = set()

    def add(name):
        if name in done:
            return
        with open(os.path.join(PROTO_ROOT, name)) as f:
            fd = Parser(tokens(f.read())).file(name)
        for dep in fd.dependency:
            add(dep)
        pool.Add(fd)
        done.add(name)

    add("tensorboard/compat/proto/event.proto")
    return pool


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked(data):
    crc = crc32c(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def records(path):
    """(data, ...) of each whole record; stops at a partial last record; a bad CRC is an error."""
    with open(path, "rb") as f:
        buf = f.read()
    off = 0
    out = []
    while off + 12 <= len(buf):
        (length,) = struct.unpack_from("<Q", buf, off)
        (lcrc,) = struct.unpack_from("<I", buf, off + 8)
        if lcrc != masked(buf[off:off + 8]):
            raise ValueError("bad length crc at %d" % off)
        if off + 16 + length > len(buf):
            break
        data = buf[off + 12:off + 12 + length]
        (dcrc,) = struct.unpack_from("<I", buf, off + 12 + length)
        if dcrc != masked(data):
            raise ValueError("bad data crc at %d" % off)
        out.append(data)
        off += 16 + length
    return out, len(buf) - off


def png_pixels(png):
    """8-bit non-interlaced PNG -> (width, height, channels, flat pixel list)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    off, idat = 8, b""
    while off < len(png):
        (n,) = struct.unpack_from(">I", png, off)
        kind = png[off + 4:off + 8]
        body = png[off + 8:off + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0
        elif kind == b"IDAT":
            idat += body
        off += 12 + n
    ch = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    raw = zlib.decompress(idat)
    stride = w * ch
    prev = bytearray(stride)
    px = []
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - ch] if x >= ch else 0
            b = prev[x]
            c = prev[x - ch] if x >= ch else 0
            if ft == 1:
                line[x] = (line[x] + a) & 255
            elif ft == 2:
                line[x] = (line[x] + b) & 255
            elif ft == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        px.extend(line)
        prev = line
    return w, h, ch, px


def main(paths):
    pool = load_pool()
    factory = message_factory.MessageFactory(pool)
    Event = factory.GetPrototype(pool.FindMessageTypeByName("tensorboard.Event"))
    result = {}
    for path in paths:
        recs, trailing = records(path)
        out = {"events": len(recs), "trailing": trailing, "fileVersion": None, "scalars": {}, "images": {}, "histograms": {}, "texts": {}}
        for data in recs:
            ev = Event()
            ev.ParseFromString(data)
            if ev.WhichOneof("what") == "file_version":
                out["fileVersion"] = ev.file_version
            for v in ev.summary.value:
                kind = v.WhichOneof("value")
                if kind == "simple_value":
                    out["scalars"].setdefault(v.tag, []).append([ev.step, v.simple_value])
                elif kind == "image":
                    w, h, ch, px = png_pixels(v.image.encoded_image_string)
                    out["images"].setdefault(v.tag, []).append({"step": ev.step, "width": w, "height": h, "channels": ch, "colorspace": v.image.colorspace, "pixels": px})
                elif kind == "histo":
                    hp = v.histo
                    out["histograms"].setdefault(v.tag, []).append({"step": ev.step, "min": hp.min, "max": hp.max, "num": hp.num, "sum": hp.sum, "sumSquares": hp.sum_squares, "bucketLimit": list(hp.bucket_limit), "bucket": list(hp.bucket)})
                elif kind == "tensor" and v.metadata.plugin_data.plugin_name == "text":
                    out["texts"].setdefault(v.tag, []).append([ev.step, v.tensor.string_val[0].decode("utf-8")])
        result[path] = out
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
