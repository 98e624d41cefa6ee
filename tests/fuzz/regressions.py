#!/usr/bin/env python3
# Regression cases of the inputs that once broke kvsprobe (crashes, hangs,
# out-of-bounds reads, undefined behaviour), built here byte by byte from
# their structure, plus every file of ../shared/fuzz-repro/ when that folder
# exists. Each input goes through
#
#   gst-launch-1.0 filesrc location=F ! kvsprobe json-location=J          (pull)
#   gst-launch-1.0 filesrc location=F ! queue ! kvsprobe json-location=J  (push)
#
# and must end, within the time limit, with exit status 0 and a sidecar that
# parses as JSON, or with exit status 1 and an ERROR (its text is printed).
# A signal, a timeout, a sanitizer report, another status, or a missing or
# broken sidecar fails. One line per case, then "N passed, N failed"; exits
# non-zero on a failure.
#
#   regressions.py [--repro-dir DIR] [--work-dir DIR] [--keep] [--list]
#                  [NAME-SUBSTRING...]
#
# The plugin comes from the environment (GST_PLUGIN_PATH, or as meson test
# sets it: GST_PLUGIN_PATH_1_0 and GST_PLUGIN_SYSTEM_PATH_1_0).

import argparse
import json
import math
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_REPRO = os.path.normpath(
    os.path.join(HERE, '..', '..', '..', 'shared', 'fuzz-repro'))
TIMEOUT = 20.0


# ---- H.264 ------------------------------------------------------------------

class Bits:
    def __init__(self):
        self.bits = []

    def u(self, n, v):
        for i in range(n - 1, -1, -1):
            self.bits.append((v >> i) & 1)

    def ue(self, v):
        v += 1
        n = v.bit_length()
        self.u(n - 1, 0)
        self.u(n, v)

    def rbsp(self):
        self.bits.append(1)                       # rbsp_stop_one_bit
        while len(self.bits) % 8:
            self.bits.append(0)
        return bytes(int(''.join(map(str, self.bits[i:i + 8])), 2)
                     for i in range(0, len(self.bits), 8))


def ebsp(rbsp):
    """Emulation prevention: 00 00 0x (x <= 3) becomes 00 00 03 0x."""
    out, zeros = bytearray(), 0
    for b in rbsp:
        if zeros >= 2 and b <= 3:
            out.append(3)
            zeros = 0
        out.append(b)
        zeros = zeros + 1 if b == 0 else 0
    return bytes(out)


def h264_sps(width_mbs_minus1=19, height_map_minus1=14, sar=None,
             crop=None, profile=66, chroma=1):
    """An SPS NAL (with its header byte): baseline, or high (profile 100)
    with this chroma_format_idc (0: monochrome, crop units of 1 pixel).
    The sizes are ue(v) values, so any 32-bit size can be written."""
    b = Bits()
    b.u(8, profile)     # profile_idc
    b.u(8, 0xc0 if profile == 66 else 0)   # constraint flags
    b.u(8, 30)          # level_idc
    b.ue(0)             # seq_parameter_set_id
    if profile == 100:
        b.ue(chroma)    # chroma_format_idc
        b.ue(0)         # bit_depth_luma_minus8
        b.ue(0)         # bit_depth_chroma_minus8
        b.u(1, 0)       # qpprime_y_zero_transform_bypass_flag
        b.u(1, 0)       # seq_scaling_matrix_present_flag
    b.ue(0)             # log2_max_frame_num_minus4
    b.ue(2)             # pic_order_cnt_type
    b.ue(1)             # max_num_ref_frames
    b.u(1, 0)           # gaps_in_frame_num_value_allowed_flag
    b.ue(width_mbs_minus1)
    b.ue(height_map_minus1)
    b.u(1, 1)           # frame_mbs_only_flag
    b.u(1, 1)           # direct_8x8_inference_flag
    if crop:
        b.u(1, 1)
        for c in crop:
            b.ue(c)
    else:
        b.u(1, 0)
    if sar:
        b.u(1, 1)       # vui_parameters_present_flag
        b.u(1, 1)       # aspect_ratio_info_present_flag
        b.u(8, 255)     # Extended_SAR
        b.u(16, sar[0])
        b.u(16, sar[1])
        for _ in range(8):  # no overscan .. no bitstream restriction
            b.u(1, 0)
    else:
        b.u(1, 0)
    return b'\x67' + ebsp(b.rbsp())


H264_PPS = b'\x68\xce\x3c\x80'
# the SPS of a 320x240 stream, and one of 0xffffffff x 0x80000000 pixels
# (in macroblocks: as many as ue(v) can say) with an extreme aspect ratio
SPS_OK = h264_sps()
SPS_HUGE = {
    # 0xffffffff x 0x80000000 pixels (monochrome: crop by single pixels)
    'mono': h264_sps(profile=100, chroma=0, width_mbs_minus1=0x0fffffff,
                     height_map_minus1=0x07ffffff, crop=(0, 1, 0, 0),
                     sar=(1, 1)),
    # 16 x 0x80000000 pixels, and the largest sizes ue(v) can say
    'tall': h264_sps(width_mbs_minus1=0, height_map_minus1=0x07ffffff,
                     sar=(1, 1)),
    'max': h264_sps(width_mbs_minus1=0xfffffffe,
                    height_map_minus1=0x7fffffff, sar=(0xffff, 1),
                    crop=(0, 1, 0, 1)),
    # 16 x 0x80000f00 pixels, a high-profile SPS with a VUI
    'high': h264_sps(profile=100, chroma=0, width_mbs_minus1=0,
                     height_map_minus1=0x080000ef, sar=(1, 0xffff)),
}


def avcc(sps, pps=H264_PPS):
    return (bytes([1, sps[1], sps[2], sps[3], 0xff, 0xe1]) +
            struct.pack('>H', len(sps)) + sps + b'\x01' +
            struct.pack('>H', len(pps)) + pps)


def idr_slice(n=40, seed=1):
    rnd = random.Random(seed)
    body = bytes(rnd.randrange(1, 256) for _ in range(n))
    return b'\x65\x88' + body


# ---- MP4 ----------------------------------------------------------------------

def box(typ, payload=b''):
    return struct.pack('>I4s', 8 + len(payload), typ) + payload


def fullbox(typ, version, flags, payload=b''):
    return box(typ, struct.pack('>I', (version << 24) | flags) + payload)


MATRIX = struct.pack('>9I', 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
FTYP = box(b'ftyp', b'isom' + struct.pack('>I', 0x200) + b'isomiso2avc1mp41')


def mp4_video(timescale=1000, duration=1000, stts=((1, 40),), sps=SPS_OK,
              mdhd_version=0, movie_duration=1000, tkhd_duration=1000,
              elst=None, ctts=None, samples=1):
    sample = idr_slice()
    sample = struct.pack('>I', len(sample)) + sample

    def moov(chunk_offset):
        mvhd = fullbox(b'mvhd', 0, 0, struct.pack(
            '>IIII', 0, 0, 1000, movie_duration & 0xffffffff) +
            struct.pack('>IH10x', 0x10000, 0x100) + MATRIX + bytes(24) +
            struct.pack('>I', 2))
        tkhd = fullbox(b'tkhd', 0, 3, struct.pack(
            '>IIIII', 0, 0, 1, 0, tkhd_duration & 0xffffffff) + bytes(8) +
            struct.pack('>hhhH', 0, 0, 0, 0) + MATRIX +
            struct.pack('>II', 320 << 16, 240 << 16))
        if mdhd_version == 1:
            mdhd = fullbox(b'mdhd', 1, 0, struct.pack(
                '>QQIQHH', 0, 0, timescale, duration, 0x55c4, 0))
        else:
            mdhd = fullbox(b'mdhd', 0, 0, struct.pack(
                '>IIIIHH', 0, 0, timescale, duration & 0xffffffff, 0x55c4, 0))
        hdlr = fullbox(b'hdlr', 0, 0, struct.pack('>I4s12x', 0, b'vide') +
                       b'VideoHandler\0')
        vmhd = fullbox(b'vmhd', 0, 1, bytes(8))
        dinf = box(b'dinf', fullbox(b'dref', 0, 0, struct.pack('>I', 1) +
                                    fullbox(b'url ', 0, 1)))
        avc1 = box(b'avc1', bytes(6) + struct.pack('>H', 1) + bytes(16) +
                   struct.pack('>HHIII', 320, 240, 0x480000, 0x480000, 0) +
                   struct.pack('>H', 1) + bytes(32) +
                   struct.pack('>Hh', 0x18, -1) + box(b'avcC', avcc(sps)))
        stsd = fullbox(b'stsd', 0, 0, struct.pack('>I', 1) + avc1)
        stts_b = fullbox(b'stts', 0, 0, struct.pack('>I', len(stts)) + b''.join(
            struct.pack('>II', c, d) for c, d in stts))
        stbl = stsd + stts_b
        if ctts:
            stbl += fullbox(b'ctts', 0, 0, struct.pack('>I', len(ctts)) + b''.join(
                struct.pack('>II', c, o) for c, o in ctts))
        stbl += fullbox(b'stss', 0, 0, struct.pack('>II', 1, 1))
        stbl += fullbox(b'stsc', 0, 0, struct.pack('>IIII', 1, 1, samples, 1))
        stbl += fullbox(b'stsz', 0, 0, struct.pack('>II', 0, samples) +
                        struct.pack('>I', len(sample)) * samples)
        stbl += fullbox(b'stco', 0, 0, struct.pack('>II', 1, chunk_offset))
        minf = box(b'minf', vmhd + dinf + box(b'stbl', stbl))
        mdia = box(b'mdia', mdhd + hdlr + minf)
        trak = tkhd
        if elst:
            trak += box(b'edts', fullbox(b'elst', 0, 0, struct.pack(
                '>I', len(elst)) + b''.join(struct.pack('>IiI', d, t, 0x10000)
                                           for d, t in elst)))
        return box(b'moov', mvhd + box(b'trak', trak + mdia))

    size = len(moov(0))
    return FTYP + moov(len(FTYP) + size + 8) + box(b'mdat', sample * samples)


def mp4_largesize(largesize, at, total):
    """ftyp, a free box that puts the next box header at `at` (if after the
    ftyp), a box whose
    64-bit size is `largesize`, zeros up to `total` bytes."""
    pad = at - len(FTYP)
    assert pad == 0 or pad >= 8
    data = FTYP
    if pad:
        data += struct.pack('>I4s', pad, b'free') + bytes(pad - 8)
    data += struct.pack('>I4sQ', 1, b'free', largesize)
    return data + bytes(max(0, total - len(data)))


# ---- FLV ----------------------------------------------------------------------

def flv_header(flags=0x05, magic=b'FLV'):
    return magic + bytes([1, flags]) + struct.pack('>II', 9, 0)


def flv_tag(typ, data, ts=0):
    return (struct.pack('>B', typ) + struct.pack('>I', len(data))[1:] +
            struct.pack('>I', ts)[1:] + bytes([ts >> 24 & 0xff]) +
            bytes(3) + data + struct.pack('>I', 11 + len(data)))


def amf_str(s):
    return struct.pack('>H', len(s)) + s


def amf_num(v):
    return b'\x00' + struct.pack('>d', v)


def on_metadata(props):
    body = b'\x02' + amf_str(b'onMetaData') + b'\x08' + \
        struct.pack('>I', len(props))
    for k, v in props:
        body += amf_str(k) + v
    return body + b'\x00\x00\x09'


def flv_avc(sps, meta=None, frames=2):
    data = flv_header()
    if meta is not None:
        data += flv_tag(18, on_metadata(meta))
    data += flv_tag(9, b'\x17\x00\x00\x00\x00' + avcc(sps))
    nal = idr_slice()
    for i in range(frames):
        data += flv_tag(9, b'\x17\x01\x00\x00\x00' +
                        struct.pack('>I', len(nal)) + nal, ts=40 * i)
    return data


# after the script tag: libavformat takes a file for FLV from 110 bytes on
FLV_TAIL = flv_tag(8, b'\xaf\x01' + bytes(120))


def flv_script(raw_script, tail=FLV_TAIL):
    """a script tag of exactly these bytes (unterminated strings run to the
    tag's end) and what follows it"""
    return flv_header() + flv_tag(18, raw_script) + tail


# ---- Ogg ----------------------------------------------------------------------

def _ogg_crc_table():
    t = []
    for i in range(256):
        r = i << 24
        for _ in range(8):
            r = ((r << 1) ^ 0x04c11db7) if r & 0x80000000 else r << 1
        t.append(r & 0xffffffff)
    return t


OGG_CRC = _ogg_crc_table()


def ogg_page(packet, seq, header_type=0, granule=0, serial=0x1234):
    segs = []
    n = len(packet)
    while n >= 255:
        segs.append(255)
        n -= 255
    segs.append(n)
    page = bytearray(b'OggS' + struct.pack('<BBqIIIB', 0, header_type, granule,
                                           serial, seq, 0, len(segs)) +
                     bytes(segs) + packet)
    crc = 0
    for b in page:
        crc = ((crc << 8) ^ OGG_CRC[((crc >> 24) ^ b) & 0xff]) & 0xffffffff
    page[22:26] = struct.pack('<I', crc)
    return bytes(page)


def theora_ident(frn, frd):
    b = Bits()
    b.u(8, 3), b.u(8, 2), b.u(8, 1)         # version 3.2.1
    b.u(16, 20), b.u(16, 15)                # 320x240 in macroblocks
    b.u(24, 320), b.u(24, 240), b.u(8, 0), b.u(8, 0)
    b.u(32, frn), b.u(32, frd)
    b.u(24, 1), b.u(24, 1)                  # pixel aspect
    b.u(8, 0), b.u(24, 0), b.u(6, 0)        # colour space, bitrate, quality
    b.u(5, 6), b.u(2, 0), b.u(3, 0)         # kf shift, 4:2:0, reserved
    raw = bytes(int(''.join(map(str, b.bits[i:i + 8])), 2)
                for i in range(0, len(b.bits), 8))
    return b'\x80theora' + raw


def ogg_theora(frn, frd):
    comment = b'\x81theora' + struct.pack('<I', 4) + b'kvs!' + \
        struct.pack('<I', 0)
    frames = b''.join(ogg_page(b'\x40' + bytes(16), 3 + i, granule=i << 6)
                      for i in range(3))
    return (ogg_page(theora_ident(frn, frd), 0, header_type=2) +
            ogg_page(comment, 1) + ogg_page(b'\x82theora' + bytes(64), 2) +
            frames)


# ---- Matroska -------------------------------------------------------------

def ebml_id(i):
    return i.to_bytes((i.bit_length() + 7) // 8, 'big')


def ebml_size(n, width=None):
    if width is None:
        width = 1
        while n >= (1 << (7 * width)) - 1:
            width += 1
    return ((1 << (7 * width)) | n).to_bytes(width, 'big')


UNKNOWN = b'\x01\xff\xff\xff\xff\xff\xff\xff'


def el(i, payload=b'', size=None):
    return ebml_id(i) + (size if size is not None else
                         ebml_size(len(payload))) + payload


def uint_el(i, v):
    return el(i, v.to_bytes(max(1, (v.bit_length() + 7) // 8), 'big'))


def ebml_header(doctype=b'matroska'):
    return el(0x1A45DFA3, uint_el(0x4286, 1) + uint_el(0x42F7, 1) +
              uint_el(0x42F2, 4) + uint_el(0x42F3, 8) + el(0x4282, doctype) +
              uint_el(0x4287, 4) + uint_el(0x4285, 2))


def mkv_track(codec=b'V_MPEG4/ISO/AVC', private=None):
    entry = (uint_el(0xD7, 1) + uint_el(0x73C5, 1) + uint_el(0x83, 1) +
             el(0x86, codec) + el(0xE0, uint_el(0xB0, 320) + uint_el(0xBA, 240)))
    if private is not None:
        entry += el(0x63A2, private)
    return el(0x1654AE6B, el(0xAE, entry))


def mkv_cluster(frames=2):
    nal = idr_slice()
    blocks = b''.join(el(0xA3, b'\x81' + struct.pack('>hB', 40 * i, 0x80) +
                         struct.pack('>I', len(nal)) + nal)
                      for i in range(frames))
    return el(0x1F43B675, uint_el(0xE7, 0) + blocks)


def mkv(info, tracks=None, clusters=None):
    if clusters is None:
        clusters = mkv_cluster()
    seg = el(0x1549A966, info)
    seg += tracks if tracks is not None else mkv_track(private=avcc(SPS_OK))
    seg += clusters
    return ebml_header() + el(0x18538067, seg, size=UNKNOWN)


def mkv_duration(d):
    return mkv(uint_el(0x2AD7B1, 1000000) + el(0x4489, struct.pack('>d', d)) +
               el(0x4D80, b'kvs') + el(0x5741, b'kvs'))


# ---- MPEG-TS ------------------------------------------------------------------

def _crc32_mpeg(data):
    crc = 0xffffffff
    for b in data:
        crc = ((crc << 8) ^ OGG_CRC[((crc >> 24) ^ b) & 0xff]) & 0xffffffff
    return crc


def ts_packet(pid, payload, pusi, cc):
    head = struct.pack('>BHB', 0x47, (0x4000 if pusi else 0) | pid,
                       0x10 | (cc & 0xf))
    if len(payload) < 184:      # adaptation field stuffing
        stuff = 184 - len(payload)
        if stuff == 1:
            af = b'\x00'
        else:
            af = bytes([stuff - 1, 0]) + b'\xff' * (stuff - 2)
        head = head[:3] + bytes([0x30 | (cc & 0xf)])
        return head + af + payload
    return head + payload[:184]


def psi(table):
    return b'\x00' + table + struct.pack('>I', _crc32_mpeg(table))


def ts_pat(pmt_pid=0x1000):
    body = struct.pack('>HBBBHH', 1, 0xc1, 0, 0, 1, 0xe000 | pmt_pid)
    sec = struct.pack('>BH', 0x00, 0xb000 | (len(body) + 4)) + body
    return psi(sec)


def ts_pmt(pids):
    es = b''.join(struct.pack('>BHH', 0x1b, 0xe000 | p, 0xf000) for p in pids)
    body = struct.pack('>HBBBHH', 1, 0xc1, 0, 0, 0xe000 | pids[0], 0xf000) + es
    sec = struct.pack('>BH', 0x02, 0xb000 | (len(body) + 4)) + body
    return psi(sec)


def pes_pts(pts):
    return bytes([0x21 | ((pts >> 29) & 0x0e), (pts >> 22) & 0xff,
                  0x01 | ((pts >> 14) & 0xfe), (pts >> 7) & 0xff,
                  0x01 | ((pts << 1) & 0xfe)])


def ts_h264_without_sps(size=1 << 20, streams=1):
    """H.264 elementary streams of access units that are slices only: no
    SPS, no PPS, ever."""
    rnd = random.Random(7)
    pids = [0x100 + i for i in range(streams)]
    cc = {}
    out = bytearray()

    def put(pid, data, pusi):
        n = cc.get(pid, 0)
        cc[pid] = n + 1
        out.extend(ts_packet(pid, data, pusi, n))

    frame = 0
    while len(out) < size:
        if frame % 20 == 0:
            put(0, ts_pat(), True)
            put(0x1000, ts_pmt(pids), True)
        for pid in pids:
            nal = b'\x00\x00\x00\x01\x09\xf0\x00\x00\x00\x01' + \
                (b'\x65' if frame % 20 == 0 else b'\x41') + \
                bytes(rnd.randrange(1, 256) for _ in range(600))
            pes = b'\x00\x00\x01\xe0\x00\x00\x80\x80\x05' + \
                pes_pts(90000 + frame * 3600) + nal
            first = True
            while pes:
                room = 184
                put(pid, pes[:room], first)
                pes, first = pes[room:], False
        frame += 1
    return bytes(out[:size - size % 188])


# ---- the cases --------------------------------------------------------------

def cases():
    """(name, bytes, time limit in s)"""
    c = []
    add = lambda name, data, limit=TIMEOUT: c.append((name, data, limit))

    add('mp4_fraction_intmin.mp4',
        mp4_video(timescale=0x80000000, duration=0, stts=((1, 0xffffffff),)))
    add('mp4_fraction_intmin_v1.mp4',
        mp4_video(timescale=0x80000000, duration=0xffffffffffffffff,
                  mdhd_version=1, stts=((1, 0xffffffff),)))
    for label, sps in SPS_HUGE.items():
        add(f'mp4_sps_huge_{label}.mp4', mp4_video(sps=sps, stts=((1, 25),)))
        add(f'flv_sps_huge_{label}.flv', flv_avc(sps))
    add('flv_sps_huge_meta.flv',
        flv_avc(SPS_HUGE['mono'], meta=[(b'width', amf_num(4294967295.0)),
                                        (b'height', amf_num(2147483648.0))]))
    add('ogg_theora_fraction_intmin.ogg', ogg_theora(0x80000000, 0xffffffff))
    add('ogg_theora_fraction_zero.ogg', ogg_theora(0, 0))
    add('mp4_largesize_wrap.mp4',
        mp4_largesize((1 << 64) - len(FTYP), len(FTYP), 104))
    add('mp4_largesize_wrap_past.mp4',
        mp4_largesize((1 << 64) - len(FTYP) + 8, len(FTYP), 104))
    for n in range(8, 16):
        # the 16-byte header split over filesrc's 4 KB reads (push) and
        # over a 64 KB read (pull)
        add(f'mp4_largesize_{n}_split4k.mp4', mp4_largesize(n, 4096 - 10, 8192))
        add(f'mp4_largesize_{n}_split64k.mp4',
            mp4_largesize(n, 65536 - 10, 69632))
    # a track's end: (samples - 1) * delta + offset + delta overflows
    add('mp4_track_end_overflow_noctts.mp4',
        mp4_video(stts=((0xffffffff, 0xffffffff),), samples=2))
    add('mp4_track_end_overflow.mp4',
        mp4_video(timescale=1, duration=0x7fffffffffffffff, mdhd_version=1,
                  stts=((0xffffffff, 0xffffffff),), samples=2,
                  movie_duration=0xffffffff, tkhd_duration=0xffffffff,
                  elst=[(0xffffffff, 0x7fffffff)],
                  ctts=[(2, 0x7fffffff)]))
    add('mp4_track_end_overflow_neg.mp4',
        mp4_video(timescale=1, duration=0x8000000000000000, mdhd_version=1,
                  stts=((0xffffffff, 0x80000000), (0xffffffff, 0xffffffff)),
                  samples=2,
                  elst=[(0xffffffff, -0x80000000)], ctts=[(2, 0x80000000)]))

    # FLV script tags with strings that run past the tag (no terminator)
    name = b'onMetaData' + b'X' * 19
    add('flv_script_name_unterminated.flv',
        flv_script(b'\x02' + struct.pack('>H', len(name)) + name[:-19]))
    add('flv_script_name_long.flv',
        flv_script(b'\x02\xff\xffonMeta'))
    add('flv_script_key_unterminated.flv',
        flv_script(b'\x02' + amf_str(b'onMetaData') + b'\x08\x00\x00\x00\x02' +
                   amf_str(b'duration') + amf_num(1.0) +
                   b'\x01\x00videodatarate'))
    add('flv_script_value_unterminated.flv',
        flv_script(b'\x02' + amf_str(b'onMetaData') + b'\x08\x00\x00\x00\x01' +
                   amf_str(b'encoder') + b'\x02\xff\xffLavf'))
    add('flv_script_only_magic.flv',
        flv_header() + b'\x12\x00\x00\x13' + bytes(4) + bytes(3) +
        b'\x02\x00\x0aonM\xf5\x7fc\xdd\xf5c\xdd')
    add('flv_script_only_magic_long.flv',
        flv_header() + b'\x12\x00\x00\x13' + bytes(4) + bytes(3) +
        b'\x02\x00\x0aonM\xf5\x7fc\xdd\xf5c\xdd' + bytes(120))
    add('flv_script_longstring_unterminated.flv',
        flv_script(b'\x02' + amf_str(b'onMetaData') + b'\x08\x00\x00\x00\x01' +
                   amf_str(b'comment') + b'\x0c\xff\xff\xff\xffabc'))

    # Matroska: EBML elements of size zero or unknown
    add('mkv_ebml_size_zero.mkv', el(0x1A45DFA3, b'', size=b'\x80'))
    add('mkv_ebml_size_unknown.mkv',
        el(0x1A45DFA3, uint_el(0x42F2, 0) + el(0x4282, b'S_TEXT/'),
           size=UNKNOWN))
    add('mkv_segment_children_zero.mkv',
        el(0x1A45DFA3, b'', size=b'\x80') +
        el(0x18538067, el(0x1654AE6B, b'', size=b'\x80') + el(0xEC, bytes(32)) +
           el(0x4282, b'webm'), size=UNKNOWN))
    add('mkv_tracks_zero.mkv', mkv(uint_el(0x2AD7B1, 1000000),
                                   tracks=el(0x1654AE6B, b'')))
    add('mkv_info_unknown.mkv', ebml_header() + el(
        0x18538067, el(0x1549A966, b'', size=UNKNOWN), size=UNKNOWN))

    # out-of-range float durations and data rates
    for label, v in (('huge', 1e300), ('neg', -1e300), ('inf', math.inf),
                     ('nan', math.nan), ('int64', 9.3e18)):
        add(f'mkv_duration_{label}.mkv', mkv_duration(v))
        add(f'flv_duration_{label}.flv',
            flv_avc(SPS_OK, meta=[(b'duration', amf_num(v)),
                                  (b'width', amf_num(320.0)),
                                  (b'height', amf_num(240.0))]))
        add(f'flv_datarates_{label}.flv',
            flv_avc(SPS_OK, meta=[(b'videodatarate', amf_num(v)),
                                  (b'audiodatarate', amf_num(v)),
                                  (b'framerate', amf_num(v)),
                                  (b'filesize', amf_num(v))]))
    add('mkv_timecodescale_zero.mkv', mkv(uint_el(0x2AD7B1, 0) +
                                          el(0x4489, struct.pack('>d', 1e18))))

    # H.264 in MPEG-TS that never carries an SPS: must not rescan
    add('ts_h264_without_sps.ts', ts_h264_without_sps(), 5.0)
    add('ts_h264_without_sps_16.ts', ts_h264_without_sps(streams=16), 5.0)
    return c


# ---- running ------------------------------------------------------------------

def run_case(path, mode, work, limit):
    sidecar = os.path.join(work, 'out.json')
    if os.path.exists(sidecar):
        os.unlink(sidecar)
    chain = ['!', 'queue'] if mode == 'push' else []
    cmd = (['gst-launch-1.0', '-q', 'filesrc', f'location={path}'] + chain +
           ['!', 'kvsprobe', f'json-location={sidecar}'])
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=limit)
    except subprocess.TimeoutExpired:
        return False, f'timeout after {limit:g} s'
    took = time.monotonic() - start
    out = p.stdout.decode('utf-8', 'replace')
    if p.returncode < 0:
        return False, f'killed by signal {-p.returncode}'
    for marker in ('AddressSanitizer', 'LeakSanitizer', 'runtime error:',
                   'CRITICAL', 'Segmentation fault'):
        if marker in out:
            return False, f'{marker} in the output: {out.strip()[-300:]}'
    if p.returncode == 0:
        try:
            with open(sidecar, encoding='utf-8') as f:
                doc = json.load(f)
        except FileNotFoundError:
            return False, 'exit status 0 and no sidecar'
        except (ValueError, UnicodeDecodeError) as e:
            return False, f'the sidecar does not parse: {e}'
        if not isinstance(doc, dict):
            return False, 'the sidecar is not a JSON object'
        return True, f'document ({took:.2f} s)'
    if p.returncode == 1:
        errors = [l for l in out.splitlines() if l.startswith('ERROR')]
        if not errors:
            return False, f'exit status 1 without an ERROR: {out.strip()[-300:]}'
        text = errors[0]
        text = text.split(': ', 2)[-1] if text.startswith('ERROR: from') else text
        return True, f'error: {text} ({took:.2f} s)'
    return False, f'exit status {p.returncode}: {out.strip()[-300:]}'


def main():
    ap = argparse.ArgumentParser(
        description='kvsprobe regression cases (see the head of this file)')
    ap.add_argument('--repro-dir', default=DEFAULT_REPRO)
    ap.add_argument('--work-dir')
    ap.add_argument('--keep', action='store_true',
                    help='keep the inputs (always kept when a case fails)')
    ap.add_argument('--list', action='store_true')
    ap.add_argument('names', nargs='*')
    args = ap.parse_args()

    all_cases = cases()
    if os.path.isdir(args.repro_dir):
        for f in sorted(os.listdir(args.repro_dir)):
            p = os.path.join(args.repro_dir, f)
            if os.path.isfile(p) and not f.endswith('.md'):
                with open(p, 'rb') as fh:
                    all_cases.append(('repro/' + f, fh.read(), TIMEOUT))
    else:
        print(f'(no {args.repro_dir}: built cases only)')
    if args.names:
        all_cases = [c for c in all_cases if any(n in c[0] for n in args.names)]
    if args.list:
        for name, data, limit in all_cases:
            print(f'{name} {len(data)} bytes, {limit:g} s')
        return 0

    if shutil.which('gst-launch-1.0') is None:
        print('gst-launch-1.0 is missing')
        return 1
    if subprocess.run(['gst-inspect-1.0', 'kvsprobe'], stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode != 0:
        print('kvsprobe is not found: set GST_PLUGIN_PATH to the build\'s gst/kvs')
        return 1

    if args.work_dir:
        work = args.work_dir
        if os.path.isdir(work):
            shutil.rmtree(work)
        os.makedirs(work)
    else:
        work = tempfile.mkdtemp(prefix='kvsprobe-regressions-')
    inputs = os.path.join(work, 'inputs')
    os.makedirs(inputs)

    passed = failed = 0
    for name, data, limit in all_cases:
        path = os.path.join(inputs, name.replace('/', '_'))
        with open(path, 'wb') as f:
            f.write(data)
        for mode in ('pull', 'push'):
            ok, what = run_case(path, mode, work, limit)
            print(f'{"ok  " if ok else "FAIL"} {name} ({mode}): {what}'
                  + ('' if ok else f' [input: {path}]'), flush=True)
            if ok:
                passed += 1
            else:
                failed += 1

    print(f'{passed} passed, {failed} failed')
    if failed == 0 and not args.keep and not args.work_dir:
        shutil.rmtree(work)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
