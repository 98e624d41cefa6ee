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
reason: every other field must match, 100%.

  probe-conformance.py SOURCE_ROOT [--keep DIR] [--only GLOB]
"""
import fnmatch
from fractions import Fraction
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

# name, ffmpeg arguments (lavfi sources): what GStreamer 1.22 cannot make,
# and the traits of other people's encoders
LV = "-f lavfi -i testsrc=size=320x240:rate=25:duration=1"
LA = "-f lavfi -i sine=duration=1"
LVA = LV + " " + LA
FFMPEG_CORPUS = [
    # avenc_mpeg4 stamps every buffer with an invalid timestamp in 1.22
    ("mov_mpeg4_aac_ffmpeg.mov", "-f lavfi -i testsrc=size=320x240:rate=25:duration=2 -f lavfi -i sine=duration=2 "
     "-c:v mpeg4 -c:a aac"),
    # ffmpeg's own edit lists: priming skipped, B-frames delayed
    ("mp4_h264_aac_ffmpeg.mp4", "-f lavfi -i testsrc=size=320x240:rate=30:duration=2 -f lavfi -i sine=duration=2 "
     "-c:v libx264 -pix_fmt yuv420p -c:a aac"),
    # broadcast and Blu-ray audio in MP4/MOV
    ("mp4_h264_ac3.mp4", LVA + " -c:v libx264 -c:a ac3"),
    ("mp4_h264_eac3.mp4", LVA + " -c:v libx264 -c:a eac3"),
    ("m4a_alac.m4a", LA + " -c:a alac"),
    ("mp4_opus.mp4", LA + " -c:a libopus"),
    ("mp4_flac.mp4", LA + " -c:a flac -strict -2"),
    # QuickTime PCM sample entries (sowt, twos, in24, fl32) as cameras write them
    ("mov_h264_sowt.mov", LVA + " -c:v libx264 -c:a pcm_s16le"),
    ("mov_twos.mov", LA + " -c:a pcm_s16be"),
    ("mov_in24.mov", LA + " -c:a pcm_s24be"),
    ("mov_fl32.mov", LA + " -c:a pcm_f32le"),
    # H.263 in 3GP, as old phones write it
    ("3gp_h263_aac.3gp", "-f lavfi -i testsrc=size=176x144:rate=15:duration=1 " + LA + " -c:v h263 -c:a aac -ar 22050"),
    # broadcast MPEG-TS: MPEG-2 video and AC-3
    ("ts_mpeg2_ac3.ts", LVA + " -c:v mpeg2video -c:a ac3"),
    # a TS whose timestamps start late, as a recording cut from a broadcast
    ("ts_h264_aac_late.ts", LVA + " -c:v libx264 -c:a aac -output_ts_offset 10"),
    # fragmented MP4 (live, DASH/HLS fMP4)
    ("mp4_h264_aac_frag.mp4", LVA + " -c:v libx264 -c:a aac -movflags frag_keyframe+empty_moov+default_base_moof"),
    ("mp4_h264_frag_partial.mp4", "-f lavfi -i testsrc=size=320x240:rate=25:duration=2 -c:v libx264 -g 25 "
     "-movflags frag_keyframe -frag_duration 1000000"),
    # timestamps that start late in MP4 and Matroska
    ("mp4_h264_late.mp4", LV + " -c:v libx264 -output_ts_offset 5"),
    ("mkv_h264_aac_late.mkv", LVA + " -c:v libx264 -c:a aac -output_ts_offset 3"),
    # AV1 and VP9 in MP4
    ("mp4_av1.mp4", "-f lavfi -i testsrc=size=64x64:rate=10:duration=0.5 -c:v libaom-av1 -cpu-used 8 -b:v 100k"),
    ("mp4_vp9.mp4", "-f lavfi -i testsrc=size=160x120:rate=10:duration=1 -c:v libvpx-vp9 -deadline realtime"),
    # FLAC with a cover picture (an attached picture: a video stream)
    ("flac_cover.flac", LA + " -i COVER -map 0 -map 1 -c:a flac -c:v png -disposition:v attached_pic"),
    # MP3 written by FFmpeg (a Lavc Info tag), with a cover
    ("mp3_lame_ffmpeg.mp3", LA + " -c:a libmp3lame -b:a 128k"),
    ("mp3_cover.mp3", LA + " -i COVER -map 0 -map 1 -c:a libmp3lame -c:v png -disposition:v attached_pic"),
    # Matroska with subtitles and an attachment, as fansubs are
    ("mkv_h264_srt_ass_attach.mkv", LVA + " -i SRT -i ASS -map 0 -map 1 -map 2 -map 3 -c:v libx264 -c:a aac "
     "-c:s:0 srt -c:s:1 ass -attach COVER -metadata:s:t mimetype=image/png"),
    # RF64 and IMA ADPCM WAV
    ("wav_rf64.wav", LA + " -c:a pcm_s16le -rf64 always"),
    ("wav_adpcm_ima.wav", LA + " -c:a adpcm_ima_wav"),
    # raw AC-3 5.1, raw ADTS by ffmpeg, Ogg Opus and Vorbis by ffmpeg
    ("ac3_51.ac3", "-f lavfi -i sine=duration=1 -ac 6 -c:a ac3"),
    ("aac_adts_ffmpeg.aac", LA + " -c:a aac"),
    ("ogg_opus_ffmpeg.opus", LA + " -c:a libopus"),
    ("ogg_vorbis_ffmpeg.ogg", LA + " -c:a libvorbis"),
    # AVI (MPEG-4 part 2 + MP3), MPEG-PS (MPEG-2 + MP2), MXF
    ("avi_mpeg4_mp3.avi", LVA + " -c:v mpeg4 -c:a libmp3lame"),
    ("mpg_mpeg2_mp2.mpg", LVA + " -c:v mpeg2video -c:a mp2 -f vob"),
    ("mxf_mpeg2_pcm.mxf", "-f lavfi -i testsrc=size=720x576:rate=25:duration=1 " + LA
     + " -c:v mpeg2video -b:v 5M -c:a pcm_s16le -ar 48000"),
]

# files made in two steps: name, source entry, how
DERIVED = [
    # a DASH/HLS init segment: ftyp + moov of a fragmented mp4, nothing else
    ("mp4_init_segment.mp4", "mp4_h264_aac_frag.mp4", "init"),
    # FLAC behind an ID3v2 tag, as some taggers write it
    ("flac_id3.flac", "flac_s16_stereo.flac", "id3"),
    # AMR-NB in 3GP (GStreamer's encoder: FFmpeg has none here)
    ("3gp_amrnb.3gp", None, "amr3gp"),
    ("amrnb.amr", None, "amr"),
]

SRT = "1\n00:00:00,000 --> 00:00:00,500\nHello\n\n2\n00:00:00,500 --> 00:00:01,000\nWorld\n"
ASS = ("[Script Info]\nScriptType: v4.00+\n\n[V4+ Styles]\nFormat: Name, Fontname, Fontsize\nStyle: Default,Arial,20\n\n"
       "[Events]\nFormat: Layer, Start, End, Style, Text\nDialogue: 0,0:00:00.00,0:00:01.00,Default,Hi\n")


def boxes(data, start=0, end=None):
    """(type, offset, size) of the top-level ISO boxes in data[start:end]."""
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8:pos + 16])[0]
        if size < 8:
            break
        yield kind.decode("latin-1"), pos, size
        pos += size


def id3v2_tag():
    title = b"\x03" + "Test".encode()
    frame = b"TIT2" + struct.pack(">I", len(title)) + b"\x00\x00" + title
    size = len(frame)
    syncsafe = bytes([(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f])
    return b"ID3\x03\x00\x00" + syncsafe + frame


def make_derived(tmp, name, src, how):
    out = os.path.join(tmp, name)
    if how == "init":
        data = open(os.path.join(tmp, src), "rb").read()
        keep = [data[o:o + n] for k, o, n in boxes(data) if k in ("ftyp", "moov")]
        open(out, "wb").write(b"".join(keep))
    elif how == "id3":
        open(out, "wb").write(id3v2_tag() + open(os.path.join(tmp, src), "rb").read())
    elif how in ("amr", "amr3gp"):
        amr = os.path.join(tmp, "amrnb.amr") if how == "amr3gp" else out
        if not os.path.exists(amr):
            # amrnbenc gives the frames; the file's magic makes them an AMR file
            raw = amr + ".frames"
            line = ("audiotestsrc num-buffers=50 samplesperbuffer=160 ! audio/x-raw,rate=8000,channels=1 ! "
                    f"amrnbenc ! filesink location={raw}")
            subprocess.run(["gst-launch-1.0", "-q", "-e"] + shlex.split(line), check=True, timeout=TIMEOUT,
                           stdout=subprocess.DEVNULL)
            open(amr, "wb").write(b"#!AMR\n" + open(raw, "rb").read())
            os.unlink(raw)
        if how == "amr3gp":
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", amr, "-c", "copy", out], check=True,
                           timeout=TIMEOUT)
    return out


def missing_tools(args):
    """What an ffmpeg recipe needs that this machine lacks, or None."""
    encoders = subprocess.run(["ffmpeg", "-hide_banner", "-encoders"], capture_output=True, text=True).stdout
    for enc in re.findall(r"-c:[avs](?::\d)? (\S+)", args):
        if enc != "copy" and not re.search(rf"^ \S+ {re.escape(enc)} ", encoders, re.M):
            return f"no {enc} encoder"
    return None


# rotated phone video: neither GStreamer 1.22's muxers nor ffmpeg 5.1
# (which dropped the rotate tag) write a rotation, so the track matrix of a
# made file is rewritten (degrees clockwise)
ROTATED = [
    ("mp4_h264_rot90.mp4", "mp4_h264_500x600.mp4", 90),
    ("mp4_h264_aac_rot90_ffmpeg.mp4", "mp4_h264_aac_ffmpeg.mp4", 90),
    ("mp4_h264_aac_rot270_ffmpeg.mp4", "mp4_h264_aac_ffmpeg.mp4", 270),
    ("mov_h264_rot180.mov", "mov_h264_aac.mov", 180),
]


def rotate_video_track(src, dst, degrees):
    """Rewrites the first tkhd's matrix for a clockwise rotation."""
    data = bytearray(open(src, "rb").read())
    pos = data.find(b"tkhd")
    if pos < 0:
        raise RuntimeError("no tkhd in " + src)
    version = data[pos + 4]
    matrix = pos + 4 + 4 + (32 if version == 1 else 20) + 16
    one, minus = 0x10000, -0x10000 & 0xffffffff
    a, b, c, d = {90: (0, one, minus, 0), 180: (minus, 0, 0, minus), 270: (0, minus, one, 0)}[degrees]
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
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    rules = known_differences(os.path.join(root, "docs", "kvsprobe.md"))
    for tool in ("ffprobe", "ffmpeg"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed: run scripts/setup")
            return 1

    tmp = keep or tempfile.mkdtemp(prefix="kvs-conformance-")
    os.makedirs(tmp, exist_ok=True)
    files = []
    for name, line in GST_CORPUS:
        if only and not fnmatch.fnmatch(name, only) and not any(
                src == name and fnmatch.fnmatch(d, only) for d, src, _ in DERIVED + [(r, s, 0) for r, s, _ in ROTATED]):
            continue
        out = os.path.join(tmp, name)
        argv = ["gst-launch-1.0", "-q", "-e"] + shlex.split(line.replace("OUT", out))
        subprocess.run(argv, check=True, timeout=TIMEOUT, stdout=subprocess.DEVNULL)
        files.append(out)
    cover = os.path.join(tmp, "cover.png")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=1:duration=1",
                    "-frames:v", "1", cover], check=True, timeout=TIMEOUT)
    subs = {"COVER": cover, "SRT": os.path.join(tmp, "subs.srt"), "ASS": os.path.join(tmp, "subs.ass")}
    open(subs["SRT"], "w").write(SRT)
    open(subs["ASS"], "w").write(ASS)
    for name, args in FFMPEG_CORPUS:
        if only and not fnmatch.fnmatch(name, only):
            continue
        why = missing_tools(args)
        if why:
            print(f"skip {name}: {why}")
            continue
        out = os.path.join(tmp, name)
        argv = [subs.get(a, a) for a in shlex.split(args)]
        subprocess.run(["ffmpeg", "-v", "error", "-y"] + argv + [out], check=True, timeout=TIMEOUT)
        files.append(out)
    for name, src, how in DERIVED:
        if only and not fnmatch.fnmatch(name, only):
            continue
        if src is not None and not os.path.exists(os.path.join(tmp, src)):
            print(f"skip {name}: {src} was not made")
            continue
        if how.startswith("amr") and shutil.which("gst-inspect-1.0") and subprocess.run(
                ["gst-inspect-1.0", "--exists", "amrnbenc"]).returncode != 0:
            print(f"skip {name}: no amrnbenc")
            continue
        files.append(make_derived(tmp, name, src, how))
    for name, src, degrees in ROTATED:
        if only and not fnmatch.fnmatch(name, only):
            continue
        if not os.path.exists(os.path.join(tmp, src)):
            print(f"skip {name}: {src} was not made")
            continue
        out = os.path.join(tmp, name)
        rotate_video_track(os.path.join(tmp, src), out, degrees)
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
        # codec_time_base, which ffprobe 5.1 no longer prints: older
        # ffprobe's decoder time base
        for i, a in enumerate(ours["streams"]):
            if "codec_time_base" not in a:
                continue
            n += 1
            want = None
            if a["codec_type"] == "video":
                ticks = 2 if a.get("codec_name") in ("h264", "mpeg2video") else 1
                num, den = (int(x) for x in a["avg_frame_rate"].split("/"))
                f = Fraction(den, num * ticks)
                want = f"{f.numerator}/{f.denominator}"
            elif a["codec_type"] == "audio":
                want = f"1/{a['sample_rate']}"
            if a["codec_time_base"] == want:
                ok += 1
            else:
                print(f"FAIL {name}: streams[{i}].codec_time_base: {a['codec_time_base']!r}, want {want!r}")
                unlisted += 1
        print(f"{'ok  ' if ok == n else '    '} {name}: {ok}/{n} fields match ffprobe")
        total += n
        matched += ok

    pct = 100.0 * matched / total if total else 0.0
    print(f"{matched}/{total} fields match ffprobe ({pct:.1f}%), {unlisted} unlisted differences")
    if not keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if unlisted == 0 and total > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
