#!/usr/bin/env python3
"""kvssnapshot against ffmpeg: the same frame, upright, in the same colours.

Every file below is made at test time, never committed, by ffmpeg (from
its lavfi test pattern, whose every frame differs: it carries its number)
or by GStreamer, with a trait of real-world media each, said in the
comment above it, and checked in ffprobe's view of the file where it can
be seen there.

For every file, ffmpeg decodes every frame (`-fps_mode passthrough`,
autorotated, as ffmpeg shows them), and ffprobe lists their timestamps.
Time T is ffmpeg's: T seconds after the file's start (the format's
start_time, edit lists applied); the frame for T is the first one whose
timestamp minus the file's start is at least T (what ffmpeg's `-ss T`
keeps). Each snapshot kvssnapshot writes, through the launch lines of
docs/kvssnapshot.md (decodebin, and for MP4 qtdemux and parsebin too), is
then checked:

- frame: the image is that frame (it is told among all the frames by
  the least squared difference of 64x48 greyscale thumbnails), and the
  document's `timestamp` is that frame's time (within 1 ms);
- size: the image has the displayed frame's size (turned upright);
- PNG: at least 40 dB PSNR (RGB) against ffmpeg's decode of the frame,
  in its default RGB conversion or its accurate one (`scale=flags=
  bicubic+full_chroma_int+accurate_rnd`), whichever is nearer: for 8-bit
  4:2:0 GStreamer converts as the first does, for 4:2:2 and higher bit
  depths it interpolates chroma as the second (linearly, ffmpeg
  bicubically: 38 dB is wanted there; ffmpeg's two conversions are 30 dB
  apart);
- JPEG, default quality: within 2 dB of ffmpeg's own JPEG of the frame
  (`ffmpeg ... -frames:v 1 out.jpg`), both against the same decode, and
  both JPEGs converted to RGB the same way as that decode (either way:
  the one kinder to kvssnapshot). A 4:2:2 picture turned a quarter is
  allowed 3.5 dB: its chroma, upsampled to 4:4:4 by GStreamer's cubic
  resampler, is 38.6 dB from ffmpeg's bicubic one before any JPEG.

Sprite sheets (`accurate=true`) are checked tile by tile the same way: the
frame, and against ffmpeg's frame scaled to the tile (`scale=W:H`): luma
at least 38 dB, and RGB within 2 dB of how far ffmpeg's own scaler is
from itself with full chroma interpolation (`flags=bicubic+
full_chroma_int`; the scalers' chroma filters differ by 25-35 dB on
saturated edges), or at least 38 dB. Key-unit sprites (the default) are
checked for their frames being key frames at or before their times, or
the frames at their times.

ffmpeg's own `-ss T` (input seeking) is run too, and a frame it gives that
differs from the frame for T is reported, not failed: on files without an
index (MPEG-TS, FLV) it lands on the next key frame.

  snapshot-conformance.py [--keep DIR] [--only GLOB]

Ends with `N/M checks passed`; exits non-zero on any failure.
"""
import argparse
import concurrent.futures
import fnmatch
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

TIMEOUT = 120
THUMB_W, THUMB_H = 64, 48
TOLERANCE = 0.0005        # ffmpeg compares in the stream's time base: Matroska and FLV count ms

V25 = "-f lavfi -i testsrc2=size=320x240:rate=25:duration=10"
A = "-f lavfi -i sine=frequency=440:duration=10"
X264 = "-c:v libx264 -preset veryfast -bf 3 -g 50 -pix_fmt yuv420p"


def rotate_track(src, dst, degrees):
    """Rewrites the first tkhd's matrix (the video track's) to a clockwise rotation."""
    data = bytearray(open(src, "rb").read())
    pos = data.find(b"tkhd")
    if pos < 0:
        raise RuntimeError("no tkhd in " + src)
    matrix = pos + 4 + 4 + (32 if data[pos + 4] == 1 else 20) + 16
    one, neg = 0x10000, -0x10000 & 0xffffffff
    a, b, c, d = {90: (0, one, neg, 0), 180: (neg, 0, 0, neg), 270: (0, neg, one, 0)}[degrees]
    struct.pack_into(">IIIII", data, matrix, a, b, 0, c, d)
    open(dst, "wb").write(bytes(data))


@dataclass
class Entry:
    name: str
    steps: list
    times: list
    traits: dict = field(default_factory=dict)   # ffprobe path -> predicate
    lines: tuple = ("decodebin",)
    sprite: tuple = None                         # (interval, columns, rows, tile w, tile h)
    png_db: float = 40                           # PNG against ffmpeg's decode
    jpeg_margin: float = 2                       # JPEG below ffmpeg's own JPEG


MP4_LINES = ("decodebin", "qtdemux name=d d.video_0 ! decodebin", "parsebin ! decodebin")
TIMES = [0, 0.5, 1.01, 2.5, 3.3, 7.77]


def rotation(doc):
    for s in doc["streams"]:
        for sd in s.get("side_data_list", []):
            if "rotation" in sd:
                return sd["rotation"]
    return None


def video(doc):
    return next(s for s in doc["streams"] if s["codec_type"] == "video")


CORPUS = [
    # ffmpeg's MP4: B-frames delayed and AAC priming skipped by edit lists
    Entry("mp4_bframes_edit.mp4", [("ffmpeg", f"{V25} {A} {X264} -c:a aac OUT")], TIMES,
          {"has_b_frames": lambda d: video(d)["has_b_frames"] > 0}, MP4_LINES, (0.5, 4, 3, 160, 90)),
    # cut by stream copy inside a GOP: the edit list starts 1.3 s into the media (pre-roll)
    Entry("mp4_preroll_edit.mp4", [("ffmpeg", f"{V25} {A} {X264} -c:a aac WORK/src.mp4"),
                                   ("ffmpeg", "-ss 1.3 -i WORK/src.mp4 -c copy OUT")], TIMES, {}, MP4_LINES),
    # every stream starts late: the file's start is not 0
    Entry("mp4_start_late.mp4", [("ffmpeg", f"{V25} {A} {X264} -c:a aac WORK/src.mp4"),
                                 ("ffmpeg", "-i WORK/src.mp4 -c copy -output_ts_offset 0.5 OUT")], TIMES,
          {"start_time": lambda d: float(d["format"]["start_time"]) > 0.4}, MP4_LINES),
    # the video starts half a second after the audio (an empty edit)
    Entry("mp4_video_late.mp4", [("ffmpeg", f"{V25} {A} {X264} -c:a aac WORK/src.mp4"),
                                 ("ffmpeg", "-itsoffset 0.5 -i WORK/src.mp4 -i WORK/src.mp4 -map 0:v -map 1:a -c copy OUT")],
          [0, 0.2, 0.5, 1.01, 3.3, 7.77],
          {"video start": lambda d: float(video(d)["start_time"]) > 0.4}, MP4_LINES),
    # a phone held upright: the display matrix turns the picture 90 degrees clockwise
    Entry("mp4_rotate90.mp4", [("ffmpeg", f"{V25} {A} {X264} -c:a aac WORK/src.mp4"),
                               ("py", rotate_track, "WORK/src.mp4", "OUT", 90)], TIMES,
          {"rotation": lambda d: rotation(d) == -90}, MP4_LINES, (1.0, 3, 2, 90, 160)),
    # and the other way, 270 degrees
    Entry("mp4_rotate270.mp4", [("ffmpeg", f"{V25} {A} {X264} -c:a aac WORK/src.mp4"),
                                ("py", rotate_track, "WORK/src.mp4", "OUT", 270)], [0.5, 3.3],
          {"rotation": lambda d: rotation(d) == 90}),
    # upside down
    Entry("mp4_rotate180.mp4", [("ffmpeg", f"{V25} {A} {X264} -c:a aac WORK/src.mp4"),
                                ("py", rotate_track, "WORK/src.mp4", "OUT", 180)], [0.5, 3.3],
          {"rotation": lambda d: abs(rotation(d) or 0) == 180}),
    # QuickTime at 29.97 frames a second
    Entry("mov_2997.mov", [("ffmpeg", "-f lavfi -i testsrc2=size=320x240:rate=30000/1001:duration=10 "
                                      f"{A} -c:v libx264 -preset veryfast -bf 2 -g 60 -pix_fmt yuv420p -c:a aac OUT")],
          [0, 0.5, 1.01, 3.3, 7.77], {"rate": lambda d: video(d)["r_frame_rate"] == "30000/1001"},
          ("decodebin", "qtdemux name=d d.video_0 ! decodebin")),
    # MPEG-TS as ffmpeg muxes it: the first timestamp at 1.48 s, the audio before the video
    Entry("ts_late_start.ts", [("ffmpeg", f"{V25} {A} {X264} -c:a aac OUT")], TIMES,
          {"start_time": lambda d: float(d["format"]["start_time"]) > 1.4}, ("decodebin",), (1.0, 3, 3, 160, 90)),
    # FLV with B-frames: composition offsets, video after audio
    Entry("flv_bframes.flv", [("ffmpeg", f"{V25} {A} {X264} -c:a aac OUT")], TIMES,
          {"start_time": lambda d: float(d["format"]["start_time"]) > 0}),
    # Matroska: milliseconds, the video 23 ms after the audio's priming
    Entry("mkv_h264_aac.mkv", [("ffmpeg", f"{V25} {A} {X264} -c:a aac OUT")], TIMES),
    # WebM with VP9
    Entry("webm_vp9.webm", [("ffmpeg", f"{V25} -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -g 50 OUT")], TIMES,
          {"codec": lambda d: video(d)["codec_name"] == "vp9"}),
    # HEVC in MP4 with B-frames
    Entry("mp4_hevc.mp4", [("ffmpeg", f"{V25} -c:v libx265 -preset ultrafast -x265-params log-level=none:bframes=3 "
                                      "-pix_fmt yuv420p -tag:v hvc1 OUT")], [0, 0.5, 3.3, 7.77],
          {"codec": lambda d: video(d)["codec_name"] == "hevc"}, MP4_LINES),
    # HD, colours tagged BT.709 (GStreamer and ffmpeg both convert by the tag)
    Entry("mp4_hd_bt709.mp4", [("ffmpeg", "-f lavfi -i testsrc2=size=1280x720:rate=25:duration=4 "
                                          "-c:v libx264 -preset veryfast -pix_fmt yuv420p -colorspace bt709 "
                                          "-color_primaries bt709 -color_trc bt709 OUT")], [0.5, 2.5],
          {"colour": lambda d: video(d).get("color_space") == "bt709"}),
    # HD, colours not tagged (ffmpeg reads BT.601, GStreamer would guess BT.709)
    Entry("mp4_hd_untagged.mp4", [("ffmpeg", "-f lavfi -i testsrc2=size=1280x720:rate=25:duration=4 "
                                             "-c:v libx264 -preset veryfast -pix_fmt yuv420p OUT")], [0.5, 2.5],
          {"untagged": lambda d: "color_space" not in video(d)}),
    # full-range YUV (a camera's JPEG-style levels)
    Entry("mp4_full_range.mp4", [("ffmpeg", "-f lavfi -i testsrc2=size=320x240:rate=25:duration=4 "
                                            "-c:v libx264 -preset veryfast -pix_fmt yuvj420p OUT")], [0.5, 2.5],
          {"range": lambda d: video(d).get("color_range") == "pc"}),
    # 10-bit HEVC, as phones record HDR (decoded to I420_10LE)
    Entry("mp4_hevc_10bit.mp4", [("ffmpeg", f"{V25} -c:v libx265 -preset ultrafast -x265-params log-level=none "
                                            "-pix_fmt yuv420p10le -tag:v hvc1 OUT")], [0.5, 3.3],
          {"10 bits": lambda d: video(d)["pix_fmt"] == "yuv420p10le"}, png_db=38),
    # 4:2:2 10-bit H.264, as broadcast contribution feeds
    Entry("mkv_h264_422_10bit.mkv", [("ffmpeg", f"{V25} -c:v libx264 -preset veryfast -pix_fmt yuv422p10le OUT")],
          [0.5, 3.3], {"4:2:2": lambda d: video(d)["pix_fmt"] == "yuv422p10le"}, png_db=38),
    # 4:2:2 turned upright (its JPEG is 4:4:4: the chroma would be halved the other way)
    Entry("mp4_422_rotate90.mp4", [("ffmpeg", f"{V25} -c:v libx264 -preset veryfast -pix_fmt yuv422p WORK/src.mp4"),
                                   ("py", rotate_track, "WORK/src.mp4", "OUT", 90)], [0.5, 3.3],
          {"rotation": lambda d: rotation(d) == -90}, png_db=38, jpeg_margin=3.5),
    # a screen capture in RGB (H.264 4:4:4 RGB, decoded to GBR planes)
    Entry("mkv_h264_rgb.mkv", [("ffmpeg", f"{V25} -c:v libx264rgb -preset veryfast OUT")], [0.5, 3.3],
          {"rgb": lambda d: video(d)["pix_fmt"] in ("gbrp", "bgr0", "rgb24")}),
    # AV1 in MP4. GStreamer 1.22's AV1 decoder (av1dec, libaom) posts "Failed to decode frame"
    # once downstream has returned EOS, as any sink that stops early does (`identity eos-after=10`
    # too): noted, not failed, when kvssnapshot had written everything (AV1DEC_AFTER_EOS)
    Entry("mp4_av1.mp4", [("ffmpeg", f"{V25} -c:v libaom-av1 -cpu-used 8 -g 50 -pix_fmt yuv420p OUT")],
          [0.5, 1.5, 3.3, 7.77],
          {"codec": lambda d: video(d)["codec_name"] == "av1"}),
    # broadcast: MPEG-2 video with B-frames and MP2 audio in TS, interlaced-coded
    Entry("ts_mpeg2_broadcast.ts", [("ffmpeg", "-f lavfi -i testsrc2=size=720x576:rate=25:duration=6 "
                                               "-f lavfi -i sine=duration=6 -c:v mpeg2video -b:v 4M -bf 2 -g 12 "
                                               "-flags +ildct+ilme -top 1 -c:a mp2 OUT")], [0.5, 2.5, 4.04],
          {"codec": lambda d: video(d)["codec_name"] == "mpeg2video"}),
    # AVI (MPEG-4 part 2, no B-frame reordering in the container's timestamps)
    Entry("avi_mpeg4.avi", [("ffmpeg", f"{V25} {A} -c:v mpeg4 -q:v 3 -c:a mp3 OUT")], [0, 0.5, 3.3]),
    # GStreamer's own MP4 (x264enc, mp4mux: no edit list, B-frames by DTS)
    Entry("mp4_gst.mp4", [("gst", "videotestsrc num-buffers=250 pattern=ball ! video/x-raw,format=I420,width=320,height=240,"
                                  "framerate=25/1 ! x264enc bframes=2 key-int-max=50 ! h264parse ! "
                                  "mp4mux ! filesink location=OUT")], [0, 0.5, 3.3, 7.77], {}, MP4_LINES),
]


def run(argv, what, **kw):
    try:
        p = subprocess.run(argv, capture_output=True, timeout=TIMEOUT, **kw)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{what} did not end in {TIMEOUT} s") from None
    if p.returncode != 0:
        tail = " | ".join(p.stderr.decode(errors="replace").strip().splitlines()[-3:])
        raise RuntimeError(f"{what} exited with {p.returncode}: {tail}")
    return p.stdout


def ffmpeg(*args):
    return run(["ffmpeg", "-v", "error", "-nostdin", "-y", *args], "ffmpeg")


def make(entry, out, work):
    for step in entry.steps:
        os.makedirs(work, exist_ok=True)
        if step[0] == "py":
            step[1](*(a.replace("OUT", out).replace("WORK/", work + "/") if isinstance(a, str) else a
                      for a in step[2:]))
            continue
        tokens = [t.replace("OUT", out).replace("WORK/", work + "/") for t in step[1].split()]
        if step[0] == "ffmpeg":
            ffmpeg(*tokens)
        else:
            run(["gst-launch-1.0", "-q", "-e", *tokens], "gst-launch-1.0")


def ffprobe(path):
    doc = json.loads(run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", path], "ffprobe"))
    frames = json.loads(run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                             "frame=best_effort_timestamp_time,key_frame", "-of", "json", path], "ffprobe"))["frames"]
    return doc, frames


def thumbs(*args):
    """The frames of an ffmpeg input as 64x48 greyscale thumbnails."""
    raw = ffmpeg(*args, "-f", "rawvideo", "-pix_fmt", "gray", "-s", f"{THUMB_W}x{THUMB_H}", "-")
    n = THUMB_W * THUMB_H
    return [raw[i:i + n] for i in range(0, len(raw) - n + 1, n)]


def which_frame(thumb, decoded):
    return min(range(len(decoded)), key=lambda i: sum((a - b) * (a - b) for a, b in zip(thumb, decoded[i])))


ACCURATE = "scale=flags=bicubic+full_chroma_int+accurate_rnd"


def psnr(a, b, fmt="rgb24", accurate=False):
    """PSNR of image @a against image @b in @fmt (RGB, or gray: luma only), by ffmpeg's psnr filter;
    @accurate: YCbCr images (JPEG) converted with ffmpeg's accurate scaler, else its default."""
    conv = f"{ACCURATE},format={fmt}" if accurate else f"format={fmt}"
    p = subprocess.run(["ffmpeg", "-nostdin", "-v", "info", "-i", a, "-i", b, "-lavfi",
                        f"[0]{conv}[a];[1]{conv}[b];[a][b]psnr", "-f", "null", "-"],
                       capture_output=True, text=True, timeout=TIMEOUT)
    m = re.search(r"average:([0-9.]+|inf)", p.stderr)
    if not m:
        raise RuntimeError(f"no PSNR for {a}: {p.stderr[-300:]}")
    return float("inf") if m.group(1) == "inf" else float(m.group(1))


def size(path):
    s = json.loads(run(["ffprobe", "-v", "error", "-show_entries", "stream=width,height", "-of", "json", path],
                       "ffprobe"))["streams"][0]
    return s["width"], s["height"]


# GStreamer 1.22's AV1 decoder fails once downstream has returned EOS (docs/kvssnapshot.md,
# "Known GStreamer defects"): after kvssnapshot has written everything, the pipeline still ends
# with this error, on and off
AV1DEC_AFTER_EOS = "GstAV1Dec:av1dec0: Failed to decode frame"


def kvssnapshot(path, line, props, out_dir, notes=None):
    os.makedirs(out_dir, exist_ok=True)
    doc_path = os.path.join(out_dir, "doc.json")
    argv = ["gst-launch-1.0", "-q", "filesrc", f"location={path}", "!", *line.split(), "!", "kvssnapshot",
            *props, f"json-location={doc_path}"]
    try:
        run(argv, "kvssnapshot")
    except RuntimeError as err:
        if AV1DEC_AFTER_EOS not in str(err) or not os.path.exists(doc_path):
            raise
        if notes is not None:
            notes.append(f"     {os.path.basename(path)}: av1dec failed after kvssnapshot's EOS (known)")
    with open(doc_path) as f:
        return json.load(f)


class Check:
    """One entry's checks; its report is printed when the entry is done (entries run two at a time)."""

    def __init__(self):
        self.n = self.ok = 0
        self.lines = []

    def __call__(self, cond, what):
        self.n += 1
        if cond:
            self.ok += 1
        else:
            self.lines.append(f"FAIL {what}")

    def note(self, what):
        self.lines.append(f"     {what}")


def frame_for(times, start, t):
    """The index of ffmpeg's frame for time @t: the first at or after it."""
    for i, ts in enumerate(times):
        if ts - start >= t - TOLERANCE:
            return i
    return None


def check_entry(entry, path, work, check):
    doc, frames = ffprobe(path)
    start = float(doc["format"].get("start_time", 0))
    times = [float(f["best_effort_timestamp_time"]) for f in frames]
    keys = [f["key_frame"] == 1 for f in frames]
    decoded = thumbs("-i", path, "-fps_mode", "passthrough")
    name = entry.name
    check(len(decoded) == len(times), f"{name}: ffmpeg decodes {len(decoded)} frames, ffprobe lists {len(times)}")
    refs = {}

    def reference(k, scale=None):
        """ffmpeg's decode of frame @k (PNG) and its own JPEG of it; or, scaled, the frame scaled by
        ffmpeg's default scaler and by the same with full chroma interpolation."""
        key = (k, scale)
        if key not in refs:
            vf = f"select=eq(n\\,{k})"
            if scale:
                png = os.path.join(work, f"ref-{k}-{scale.replace(':', 'x')}.png")
                alt = os.path.join(work, f"ref-{k}-{scale.replace(':', 'x')}-fci.png")
                ffmpeg("-i", path, "-vf", f"{vf},scale={scale}", "-fps_mode", "passthrough", "-frames:v", "1", png)
                ffmpeg("-i", path, "-vf", f"{vf},scale={scale}:flags=bicubic+full_chroma_int", "-fps_mode",
                       "passthrough", "-frames:v", "1", alt)
                refs[key] = (png, alt)
            else:
                png = os.path.join(work, f"ref-{k}.png")
                fci = os.path.join(work, f"ref-{k}-fci.png")
                jpg = os.path.join(work, f"ref-{k}.jpg")
                ffmpeg("-i", path, "-vf", vf, "-fps_mode", "passthrough", "-frames:v", "1", png)
                ffmpeg("-i", path, "-vf", f"{vf},{ACCURATE},format=rgb24",
                       "-fps_mode", "passthrough", "-frames:v", "1", fci)
                ffmpeg("-i", path, "-vf", vf, "-fps_mode", "passthrough", "-frames:v", "1", jpg)
                refs[key] = (png, jpg, fci)
        return refs[key]

    # ffmpeg's own -ss, reported where it lands elsewhere
    for t in entry.times:
        k = frame_for(times, start, t)
        ss = thumbs("-ss", str(t), "-i", path, "-frames:v", "1")
        if k is not None and ss and which_frame(ss[0], decoded) != k:
            check.note(f"{name}: T={t}: ffmpeg -ss lands on frame {which_frame(ss[0], decoded)}, "
                       f"the frame for T is {k}")

    for li, line in enumerate(entry.lines):
        for fmt in ("png", "jpeg"):
            if fmt == "jpeg" and li > 0:
                continue
            out = os.path.join(work, f"snap-{li}-{fmt}")
            ext = "png" if fmt == "png" else "jpg"
            try:
                ours = kvssnapshot(path, line, ["times=" + ",".join(str(t) for t in entry.times), f"format={fmt}",
                                                f"location={out}/s-%02d.{ext}"], out, check.lines)
            except RuntimeError as err:
                check(False, f"{name} [{line}] {fmt}: {err}")
                continue
            items = ours["items"]
            check(len(items) == len(entry.times), f"{name} [{line}] {fmt}: {len(items)} images for {len(entry.times)} times")
            for t, item in zip(entry.times, items):
                k = frame_for(times, start, t)
                img = item["path"]
                where = f"{name} [{line}] {fmt} T={t}"
                got = which_frame(thumbs("-i", img)[0], decoded)
                check(got == k, f"{where}: frame {got}, ffmpeg's is {k}")
                check(abs(float(item["timestamp"]) - (times[k] - start)) < 0.001,
                      f"{where}: timestamp {item['timestamp']}, the frame's is {times[k] - start:.6f}")
                png, jpg, fci = reference(k)
                check(size(img) == size(png), f"{where}: {size(img)}, ffmpeg's {size(png)}")
                if size(img) != size(png):
                    continue
                if fmt == "png":
                    db = max(psnr(img, png), psnr(img, fci))
                    check(db >= entry.png_db, f"{where}: {db:.1f} dB against ffmpeg's decode ({entry.png_db} wanted)")
                else:
                    pairs = [(psnr(img, png), psnr(jpg, png)),
                             (psnr(img, fci, accurate=True), psnr(jpg, fci, accurate=True))]
                    db, theirs = max(pairs, key=lambda p: p[0] - p[1])
                    check(db >= theirs - entry.jpeg_margin, f"{where}: {db:.1f} dB, ffmpeg's JPEG {theirs:.1f} dB")

    if entry.sprite:
        interval, cols, rows, tw, th = entry.sprite
        for accurate in (True, False):
            out = os.path.join(work, f"sprite-{accurate}")
            try:
                ours = kvssnapshot(path, "decodebin", [f"interval={interval}", f"columns={cols}", f"rows={rows}",
                                                       f"tile-width={tw}", f"tile-height={th}", "format=png",
                                                       f"accurate={'true' if accurate else 'false'}",
                                                       f"location={out}/sheet-%02d.png"], out, check.lines)
            except RuntimeError as err:
                check(False, f"{name} sprites: {err}")
                continue
            sheets = {s["fileindex"]: s["thumbnailpath"] for s in ours["thumnailsinfo"]}
            duration = times[-1] - start
            expected = int(duration / interval) + 1 if duration >= 0 else 0
            check(abs(ours["snapshotNum"] - expected) <= 1, f"{name} sprites: {ours['snapshotNum']} tiles, about {expected} wanted")
            for i, tile in enumerate(ours["tiles"]):
                t = i * interval
                where = f"{name} sprite{'' if accurate else ' (key units)'} tile {i} (T={t})"
                crop = os.path.join(out, f"tile-{i}.png")
                ffmpeg("-i", sheets[tile["fileindex"]], "-vf", f"crop={tw}:{th}:{tile['x']}:{tile['y']}", crop)
                got = which_frame(thumbs("-i", crop)[0], decoded)
                k = frame_for(times, start, t)
                if accurate:
                    check(got == k, f"{where}: frame {got}, ffmpeg's is {k}")
                    png, alt = reference(k, f"{tw}:{th}")
                    luma = psnr(crop, png, "gray")
                    check(luma >= 38, f"{where}: luma {luma:.1f} dB against ffmpeg's scaled frame (38 wanted)")
                    db, spread = psnr(crop, png), psnr(alt, png)
                    check(db >= min(40, spread) - 2,
                          f"{where}: {db:.1f} dB against ffmpeg's scaled frame, ffmpeg's own full-chroma "
                          f"scale {spread:.1f} dB")
                else:
                    # the key frame a key-unit seek lands on, or a frame decoded on to
                    check(got <= k + 1 and (keys[got] or got == k),
                          f"{where}: frame {got} (key: {keys[got]}), the frame for T is {k}")
                check(abs(float(tile["timestamp"]) - (times[got] - start)) < 0.001,
                      f"{where}: timestamp {tile['timestamp']}, the frame's is {times[got] - start:.6f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--keep", metavar="DIR", help="make the files in DIR and keep them")
    ap.add_argument("--only", metavar="GLOB", action="append", help="run only the entries matching GLOB")
    args = ap.parse_args()
    for tool in ("ffprobe", "ffmpeg", "gst-launch-1.0"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed: run scripts/setup")
            return 1
    entries = [e for e in CORPUS if not args.only or any(fnmatch.fnmatch(e.name, g) for g in args.only)]
    if not entries:
        print("no entry matches")
        return 1
    tmp = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="kvs-snapshot-conformance-")
    os.makedirs(tmp, exist_ok=True)
    started = time.monotonic()

    def one(entry):
        check = Check()
        path, work = os.path.join(tmp, entry.name), os.path.join(tmp, "work", entry.name)
        try:
            make(entry, path, work)
            doc, _ = ffprobe(path)
            for trait, pred in entry.traits.items():
                check(pred(doc), f"{entry.name}: trait not made: {trait}")
            check_entry(entry, path, work, check)
        except RuntimeError as err:
            check(False, f"{entry.name}: {err}")
        return entry, check

    n = ok = 0
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            for entry, check in pool.map(one, entries):
                for line in check.lines:
                    print(line)
                print(f"{'ok  ' if check.ok == check.n else '    '} {entry.name}: {check.ok}/{check.n}", flush=True)
                n += check.n
                ok += check.ok
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{ok}/{n} checks passed ({100.0 * ok / max(n, 1):.1f}%) in {time.monotonic() - started:.0f} s")
    return 0 if n > 0 and ok == n else 1


if __name__ == "__main__":
    sys.exit(main())
