#!/usr/bin/env python3
"""kvsprobe against ffprobe, field by field, on media made at test time.

Every file of the corpus below is made with GStreamer's encoders and muxers
(a few with ffmpeg, where GStreamer 1.22 cannot make them: see each entry),
then described by kvsprobe twice, reading by the index (pull mode) and with
every byte passing (push mode, behind a queue), and by ffprobe
(`ffprobe -show_streams -show_format -of json`). The two kvsprobe documents
must be identical, and every documented field ffprobe prints must have the
same value in kvsprobe's document, and the other way round, unless
docs/kvsprobe.md lists the difference under "Known differences", with a
reason. At least 97% of the fields must match in all.

  probe-conformance.py SOURCE_ROOT [--keep DIR]
"""
import fnmatch
import json
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile

TIMEOUT = 120

STREAM_FIELDS = [
    "index", "codec_name", "codec_long_name", "profile", "codec_type", "codec_tag_string", "codec_tag",
    "width", "height", "coded_width", "coded_height", "has_b_frames", "sample_aspect_ratio",
    "display_aspect_ratio", "pix_fmt", "level", "chroma_location", "refs", "is_avc", "sample_fmt",
    "sample_rate", "channels", "channel_layout", "r_frame_rate", "avg_frame_rate", "time_base", "start_pts",
    "start_time", "duration_ts", "duration", "bit_rate", "max_bit_rate", "bits_per_raw_sample", "nb_frames",
]
FORMAT_FIELDS = ["nb_streams", "format_name", "format_long_name", "duration", "size", "bit_rate", "probe_score"]

V = "videotestsrc num-buffers={n} ! video/x-raw,format=I420,width={w},height={h},framerate={fps}"
A = "audiotestsrc num-buffers={n} samplesperbuffer=1024 ! audio/x-raw,rate={rate},channels={ch}"
A51 = ("audiotestsrc num-buffers={n} samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=6,"
       "channel-mask=(bitmask)0x3f")

# name, GStreamer launch line (OUT is the file)
GST_CORPUS = [
    ("mp4_h264_nob_aac.mp4",
     V.format(n=60, w=320, h=240, fps="30/1") + " ! x264enc bframes=0 ! h264parse ! mp4mux name=m ! filesink location=OUT "
     + A.format(n=88, rate=44100, ch=2) + " ! avenc_aac ! aacparse ! m."),
    ("mp4_h264_b2_voaac.mp4",
     V.format(n=60, w=320, h=240, fps="25/1") + " ! x264enc bframes=2 ! h264parse ! mp4mux name=m ! filesink location=OUT "
     + A.format(n=90, rate=48000, ch=2) + " ! voaacenc ! aacparse ! m."),
    ("mp4_h264_b2_mp3.mp4",
     V.format(n=48, w=320, h=240, fps="24/1") + " ! x264enc bframes=2 ! h264parse ! mp4mux name=m ! filesink location=OUT "
     + A.format(n=86, rate=44100, ch=2) + " ! lamemp3enc ! mpegaudioparse ! m."),
    ("mp4_h264_ntsc_aac51.mp4",
     V.format(n=60, w=640, h=480, fps="30000/1001") + " ! x264enc ! h264parse ! mp4mux name=m ! filesink location=OUT "
     + "audiotestsrc num-buffers=94 samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=6,channel-mask=(bitmask)0x3f"
     + " ! avenc_aac ! aacparse ! m."),
    ("mp4_h265_aac.mp4",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! x265enc ! h265parse ! mp4mux name=m ! filesink location=OUT "
     + A.format(n=94, rate=48000, ch=2) + " ! avenc_aac ! aacparse ! m."),
    ("mp4_h264_500x600.mp4",
     V.format(n=30, w=500, h=600, fps="30/1") + " ! x264enc ! h264parse ! mp4mux ! filesink location=OUT"),
    ("mp4_h264_faststart.mp4",
     V.format(n=30, w=320, h=240, fps="30/1") + " ! x264enc ! h264parse ! mp4mux faststart=true ! filesink location=OUT"),
    ("mov_h264_aac.mov",
     V.format(n=60, w=320, h=240, fps="30/1") + " ! x264enc ! h264parse ! qtmux name=m ! filesink location=OUT "
     + A.format(n=94, rate=48000, ch=2) + " ! avenc_aac ! aacparse ! m."),
    ("m4a_aac_stereo.m4a", A.format(n=130, rate=44100, ch=2) + " ! avenc_aac ! aacparse ! mp4mux ! filesink location=OUT"),
    ("m4a_aac_mono.m4a", A.format(n=130, rate=22050, ch=1) + " ! avenc_aac ! aacparse ! mp4mux ! filesink location=OUT"),
    ("mkv_h264_aac.mkv",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! x264enc bframes=2 ! h264parse ! matroskamux name=m ! filesink location=OUT "
     + A.format(n=94, rate=48000, ch=2) + " ! avenc_aac ! aacparse ! m."),
    ("mkv_h264_mp3_mono.mkv",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! x264enc bframes=0 ! h264parse ! matroskamux name=m ! filesink location=OUT "
     + A.format(n=86, rate=44100, ch=1) + " ! lamemp3enc ! mpegaudioparse ! m."),
    ("mkv_vp9_opus51.mkv",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! vp9enc deadline=1 ! matroskamux name=m ! filesink location=OUT "
     + "audiotestsrc num-buffers=94 samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=6,channel-mask=(bitmask)0x3f"
     + " ! opusenc ! m."),
    ("mkv_h265_flac.mkv",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! x265enc ! h265parse ! matroskamux name=m ! filesink location=OUT "
     + A.format(n=86, rate=44100, ch=2) + " ! flacenc ! flacparse ! m."),
    ("webm_vp8_vorbis.webm",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! vp8enc deadline=1 ! webmmux name=m ! filesink location=OUT "
     + A.format(n=86, rate=44100, ch=2) + " ! vorbisenc ! m."),
    ("ts_h264_aac.ts",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! x264enc bframes=2 ! h264parse ! mpegtsmux name=m ! filesink location=OUT "
     + A.format(n=94, rate=48000, ch=2) + " ! avenc_aac ! aacparse ! m."),
    ("ts_h264_mp2.ts",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! x264enc bframes=0 ! h264parse ! mpegtsmux name=m ! filesink location=OUT "
     + A.format(n=94, rate=48000, ch=2) + " ! avenc_mp2 ! mpegaudioparse ! m."),
    ("ts_h265_aac51.ts",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! x265enc ! h265parse ! mpegtsmux name=m ! filesink location=OUT "
     + A51.format(n=94) + " ! avenc_aac ! aacparse ! m."),
    ("flv_h264_aac.flv",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! x264enc bframes=2 ! h264parse ! flvmux name=m ! filesink location=OUT "
     + A.format(n=86, rate=44100, ch=2) + " ! avenc_aac ! aacparse ! m."),
    ("flv_h264_mp3.flv",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! x264enc bframes=0 ! h264parse ! flvmux name=m ! filesink location=OUT "
     + A.format(n=86, rate=44100, ch=2) + " ! lamemp3enc ! mpegaudioparse ! m."),
    ("mp3_cbr_stereo.mp3", A.format(n=130, rate=44100, ch=2)
     + " ! lamemp3enc target=bitrate bitrate=128 cbr=true ! mpegaudioparse ! filesink location=OUT"),
    ("mp3_cbr_mono_id3.mp3", A.format(n=130, rate=44100, ch=1) + " ! lamemp3enc target=bitrate bitrate=64 cbr=true"
     " ! mpegaudioparse ! taginject tags=title=Test,artist=Me ! id3v2mux ! filesink location=OUT"),
    ("mp3_vbr_xing.mp3", A.format(n=140, rate=48000, ch=2)
     + " ! lamemp3enc target=quality quality=4 ! mpegaudioparse ! xingmux ! filesink location=OUT"),
    ("mp3_vbr_noxing.mp3", A.format(n=140, rate=48000, ch=2)
     + " ! lamemp3enc target=quality quality=4 ! mpegaudioparse ! filesink location=OUT"),
    ("aac_adts_stereo.aac", A.format(n=130, rate=44100, ch=2)
     + " ! avenc_aac ! aacparse ! audio/mpeg,stream-format=adts ! filesink location=OUT"),
    ("aac_adts_51.aac", A51.format(n=140)
     + " ! avenc_aac ! aacparse ! audio/mpeg,stream-format=adts ! filesink location=OUT"),
    ("wav_s16_stereo.wav", A.format(n=130, rate=44100, ch=2)
     + " ! audioconvert ! audio/x-raw,format=S16LE ! wavenc ! filesink location=OUT"),
    ("wav_s24_51.wav", A51.format(n=140) + " ! audioconvert ! audio/x-raw,format=S24LE ! wavenc ! filesink location=OUT"),
    ("wav_f32_mono.wav", A.format(n=140, rate=48000, ch=1)
     + " ! audioconvert ! audio/x-raw,format=F32LE ! wavenc ! filesink location=OUT"),
    ("flac_s16_stereo.flac", A.format(n=130, rate=44100, ch=2)
     + " ! audioconvert ! audio/x-raw,format=S16LE ! flacenc ! filesink location=OUT"),
    ("flac_s24_51.flac", A51.format(n=140) + " ! audioconvert ! audio/x-raw,format=S24LE ! flacenc ! filesink location=OUT"),
    ("ogg_vorbis_stereo.ogg", A.format(n=130, rate=44100, ch=2) + " ! vorbisenc ! oggmux ! filesink location=OUT"),
    ("ogg_opus_51.ogg", A51.format(n=140) + " ! opusenc ! oggmux ! filesink location=OUT"),
    ("ogg_theora_vorbis.ogv", V.format(n=50, w=320, h=240, fps="25/1") + " ! theoraenc ! oggmux name=m ! filesink location=OUT "
     + A.format(n=86, rate=44100, ch=2) + " ! vorbisenc ! m."),
    ("webm_vp9_opus.webm",
     V.format(n=50, w=500, h=600, fps="25/1") + " ! vp9enc deadline=1 ! webmmux name=m ! filesink location=OUT "
     + A.format(n=94, rate=48000, ch=2) + " ! opusenc ! m."),
]

# name, ffmpeg arguments (lavfi sources): what GStreamer 1.22 cannot make
FFMPEG_CORPUS = [
    # avenc_mpeg4 stamps every buffer with an invalid timestamp in 1.22
    ("mov_mpeg4_aac_ffmpeg.mov", "-f lavfi -i testsrc=size=320x240:rate=25:duration=2 -f lavfi -i sine=duration=2 "
     "-c:v mpeg4 -c:a aac"),
    # ffmpeg's own edit lists: priming skipped, B-frames delayed
    ("mp4_h264_aac_ffmpeg.mp4", "-f lavfi -i testsrc=size=320x240:rate=30:duration=2 -f lavfi -i sine=duration=2 "
     "-c:v libx264 -pix_fmt yuv420p -c:a aac"),
]

# rotated copies: GStreamer 1.22's muxers write no rotation, so the track
# matrix of a made file is rewritten (90 degrees clockwise)
ROTATED = [("mp4_h264_rot90.mp4", "mp4_h264_500x600.mp4")]


def rotate_video_track(src, dst):
    data = bytearray(open(src, "rb").read())
    pos = data.find(b"tkhd")
    if pos < 0:
        raise RuntimeError("no tkhd in " + src)
    version = data[pos + 4]
    matrix = pos + 4 + 4 + (32 if version == 1 else 20) + 16
    a, b, c, d = 0, 0x10000, -0x10000 & 0xffffffff, 0
    struct.pack_into(">IIIII", data, matrix, a, b, 0, c, d)
    open(dst, "wb").write(data)


def known_differences(doc):
    """Rows of the "Known differences" table: (file glob, field, reason)."""
    rows, in_section = [], False
    for line in open(doc, encoding="utf-8"):
        if line.startswith("## "):
            in_section = line.strip() == "## Known differences"
            continue
        m = re.match(r"^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|(.+)\|\s*$", line)
        if in_section and m:
            rows.append((m.group(1), m.group(2), m.group(3).strip()))
    return rows


def kvsprobe(path, push, out):
    src = f"filesrc location={shlex.quote(path)}" + (" ! queue" if push else "")
    argv = ["gst-launch-1.0", "-q"] + shlex.split(src) + ["!", "kvsprobe", f"json-location={out}"]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT)
    if p.returncode != 0 or not os.path.exists(out):
        raise RuntimeError(f"kvsprobe failed on {path}: {p.stderr.strip()}")
    with open(out, encoding="utf-8") as f:
        return f.read()


def ffprobe(path):
    p = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", path],
                       capture_output=True, text=True, timeout=TIMEOUT, check=True)
    return json.loads(p.stdout)


def compare(name, ours, theirs, allowed):
    """Yields (field, ours, theirs, allowed reason or None) per compared field."""
    for i, b in enumerate(theirs["streams"]):
        a = ours["streams"][i] if i < len(ours["streams"]) else {}
        for k in STREAM_FIELDS:
            if k in a or k in b:
                yield f"streams[{i}].{k}", a.get(k), b.get(k)
    for k in FORMAT_FIELDS:
        if k in ours["format"] or k in theirs["format"]:
            yield f"format.{k}", ours["format"].get(k), theirs["format"].get(k)
    for i in range(len(theirs["streams"]), len(ours["streams"])):
        yield f"streams[{i}]", "present", None


def main():
    root = os.path.abspath(sys.argv[1])
    keep = sys.argv[sys.argv.index("--keep") + 1] if "--keep" in sys.argv else None
    rules = known_differences(os.path.join(root, "docs", "kvsprobe.md"))
    for tool in ("ffprobe", "ffmpeg"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed: run scripts/setup")
            return 1

    tmp = keep or tempfile.mkdtemp(prefix="kvs-conformance-")
    os.makedirs(tmp, exist_ok=True)
    files = []
    for name, line in GST_CORPUS:
        out = os.path.join(tmp, name)
        argv = ["gst-launch-1.0", "-q", "-e"] + shlex.split(line.replace("OUT", out))
        subprocess.run(argv, check=True, timeout=TIMEOUT, stdout=subprocess.DEVNULL)
        files.append(out)
    for name, args in FFMPEG_CORPUS:
        out = os.path.join(tmp, name)
        subprocess.run(["ffmpeg", "-v", "error", "-y"] + shlex.split(args) + [out], check=True, timeout=TIMEOUT)
        files.append(out)
    for name, src in ROTATED:
        out = os.path.join(tmp, name)
        rotate_video_track(os.path.join(tmp, src), out)
        files.append(out)

    total = matched = unlisted = 0
    for path in files:
        name = os.path.basename(path)
        pull = kvsprobe(path, False, path + ".pull.json")
        push = kvsprobe(path, True, path + ".push.json")
        if pull != push:
            print(f"FAIL {name}: pull and push mode documents differ")
            unlisted += 1
        ours, theirs = json.loads(pull), ffprobe(path)
        n = ok = 0
        for field, a, b in compare(name, ours, theirs, rules):
            n += 1
            if a == b:
                ok += 1
                continue
            key = field.split(".")[-1]
            reason = next((r for g, f, r in rules if fnmatch.fnmatch(name, g) and f == key), None)
            if reason:
                print(f"     {name}: {field}: kvsprobe {a!r}, ffprobe {b!r} (known: {reason})")
            else:
                print(f"FAIL {name}: {field}: kvsprobe {a!r}, ffprobe {b!r}")
                unlisted += 1
        # the seed's rotate: ffprobe 5.1 gives the display matrix rotation
        for i, b in enumerate(theirs["streams"]):
            want = next((str(-int(sd["rotation"]) % 360) for sd in b.get("side_data_list", [])
                         if "rotation" in sd), None)
            got = ours["streams"][i].get("rotate") if i < len(ours["streams"]) else None
            n += 1
            if want in (None, "0") and got is None or got == want:
                ok += 1
            else:
                print(f"FAIL {name}: streams[{i}].rotate: kvsprobe {got!r}, ffprobe rotation gives {want!r}")
                unlisted += 1
        print(f"{'ok  ' if ok == n else '    '} {name}: {ok}/{n} fields match ffprobe")
        total += n
        matched += ok

    pct = 100.0 * matched / total if total else 0.0
    print(f"{matched}/{total} fields match ffprobe ({pct:.1f}%), {unlisted} unlisted differences")
    if not keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if unlisted == 0 and pct >= 97.0 else 1


if __name__ == "__main__":
    sys.exit(main())
