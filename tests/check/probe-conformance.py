#!/usr/bin/env python3
"""kvsprobe against ffprobe, field by field, on media made at test time.

Every file of the corpus below is made at test time, never committed: with
GStreamer's encoders and muxers (GST_CORPUS), with ffmpeg from its lavfi
sources (FFMPEG_CORPUS), or by a recipe of several steps (RECIPES: ffmpeg,
GStreamer and a few byte-level edits in Python, for traits no single
command makes). Each entry stands for one trait of real-world media, said
in the comment above it; where that trait can be seen in ffprobe's document
or the file's bytes, the entry checks that it was really made.

An entry whose encoder, muxer, demuxer, filter or GStreamer element this
machine lacks is skipped, with a `skip NAME: reason` line, before it runs.

Each file is then described by kvsprobe twice, reading by the index (pull
mode) and with every byte passing (push mode, behind a queue), and by
ffprobe 5.1 (`ffprobe -show_streams -show_format -of json`). The contract
is exact:

- the two kvsprobe documents are identical;
- every field of STREAM_FIELDS and FORMAT_FIELDS that ffprobe prints has
  the same value in kvsprobe's document, and kvsprobe prints none that
  ffprobe leaves out (no stream, no field missing or extra);
- `rotate` is the clockwise rotation of ffprobe's display matrix, left out
  when there is none;
- `codec_time_base`, which ffprobe 5.1 does not print, is, when kvsprobe
  prints it, the decoder's time base as older ffprobe printed it: video
  1/(avg_frame_rate x ticks per frame), 2 ticks for H.264 and MPEG-2
  video, 1 otherwise (MPEG-1 video too), reduced; audio 1/sample_rate; left out when
  there is no such rate.

A difference passes only where docs/kvsprobe.md lists it under "Known
differences" (file glob, field, reason); all other fields must match: 100%.

  probe-conformance.py SOURCE_ROOT [--keep DIR] [--only GLOB]

--keep DIR makes the corpus in DIR and leaves it there (each recipe's
intermediate files under DIR/work/NAME/); --only GLOB runs only the entries
whose file name matches GLOB (fnmatch, may be given more than once).
"""
import argparse
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
import time
from dataclasses import dataclass, field
from fractions import Fraction

TIMEOUT = 120

STREAM_FIELDS = [
    "index", "codec_name", "codec_long_name", "profile", "codec_type", "codec_tag_string", "codec_tag",
    "width", "height", "coded_width", "coded_height", "has_b_frames", "sample_aspect_ratio",
    "display_aspect_ratio", "pix_fmt", "level", "chroma_location", "refs", "is_avc", "sample_fmt",
    "sample_rate", "channels", "channel_layout", "r_frame_rate", "avg_frame_rate", "time_base", "start_pts",
    "start_time", "duration_ts", "duration", "bit_rate", "max_bit_rate", "bits_per_raw_sample", "nb_frames",
]
FORMAT_FIELDS = ["nb_streams", "format_name", "format_long_name", "duration", "size", "bit_rate", "probe_score"]

# decoders that count two ticks a frame (AVCodecContext.ticks_per_frame)
TWO_TICKS = ("h264", "mpeg2video")

V = "videotestsrc num-buffers={n} ! video/x-raw,format=I420,width={w},height={h},framerate={fps}"
A = "audiotestsrc num-buffers={n} samplesperbuffer=1024 ! audio/x-raw,rate={rate},channels={ch}"
A51 = ("audiotestsrc num-buffers={n} samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=6,"
       "channel-mask=(bitmask)0x3f")
V500x600 = V.format(n=30, w=500, h=600, fps="30/1") + " ! x264enc ! h264parse"

# name, GStreamer launch line (OUT is the file)
GST_CORPUS = [
    # H.264 without B-frames and AAC in MP4, as a camera or a WebRTC recorder writes them
    ("mp4_h264_nob_aac.mp4",
     V.format(n=60, w=320, h=240, fps="30/1") + " ! x264enc bframes=0 ! h264parse ! mp4mux name=m ! filesink location=OUT "
     + A.format(n=88, rate=44100, ch=2) + " ! avenc_aac ! aacparse ! m."),
    # B-frames (ctts, composition offsets) and another AAC encoder's priming
    ("mp4_h264_b2_voaac.mp4",
     V.format(n=60, w=320, h=240, fps="25/1") + " ! x264enc bframes=2 ! h264parse ! mp4mux name=m ! filesink location=OUT "
     + A.format(n=90, rate=48000, ch=2) + " ! voaacenc ! aacparse ! m."),
    # MP3 audio in MP4 (object type 0x6b)
    ("mp4_h264_b2_mp3.mp4",
     V.format(n=48, w=320, h=240, fps="24/1") + " ! x264enc bframes=2 ! h264parse ! mp4mux name=m ! filesink location=OUT "
     + A.format(n=86, rate=44100, ch=2) + " ! lamemp3enc ! mpegaudioparse ! m."),
    # NTSC 29.97 fps video and 5.1 AAC, as broadcast recordings
    ("mp4_h264_ntsc_aac51.mp4",
     V.format(n=60, w=640, h=480, fps="30000/1001") + " ! x264enc ! h264parse ! mp4mux name=m ! filesink location=OUT "
     + "audiotestsrc num-buffers=94 samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=6,channel-mask=(bitmask)0x3f"
     + " ! avenc_aac ! aacparse ! m."),
    # H.265 (hvc1/hev1) in MP4, as phones record
    ("mp4_h265_aac.mp4",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! x265enc ! h265parse ! mp4mux name=m ! filesink location=OUT "
     + A.format(n=94, rate=48000, ch=2) + " ! avenc_aac ! aacparse ! m."),
    # odd, non-16-aligned picture size (cropping in the SPS)
    ("mp4_h264_500x600.mp4", V500x600 + " ! mp4mux ! filesink location=OUT"),
    # moov before mdat, as files made for progressive download
    ("mp4_h264_faststart.mp4",
     V.format(n=30, w=320, h=240, fps="30/1") + " ! x264enc ! h264parse ! mp4mux faststart=true ! filesink location=OUT"),
    # QuickTime brand (qt  ) instead of isom
    ("mov_h264_aac.mov",
     V.format(n=60, w=320, h=240, fps="30/1") + " ! x264enc ! h264parse ! qtmux name=m ! filesink location=OUT "
     + A.format(n=94, rate=48000, ch=2) + " ! avenc_aac ! aacparse ! m."),
    # QuickTime 24-bit PCM as `sowt` in a version 1 sound description, as GStreamer's qtmux writes it
    ("mov_pcm_s24_qtmux.mov", A.format(n=47, rate=48000, ch=2)
     + " ! audioconvert ! audio/x-raw,format=S24LE ! qtmux ! filesink location=OUT"),
    # audio-only MP4 (M4A), stereo
    ("m4a_aac_stereo.m4a", A.format(n=130, rate=44100, ch=2) + " ! avenc_aac ! aacparse ! mp4mux ! filesink location=OUT"),
    # low sample rate mono M4A, as voice memos
    ("m4a_aac_mono.m4a", A.format(n=130, rate=22050, ch=1) + " ! avenc_aac ! aacparse ! mp4mux ! filesink location=OUT"),
    # Matroska with B-frames (block timestamps out of order)
    ("mkv_h264_aac.mkv",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! x264enc bframes=2 ! h264parse ! matroskamux name=m ! filesink location=OUT "
     + A.format(n=94, rate=48000, ch=2) + " ! avenc_aac ! aacparse ! m."),
    # Matroska with mono MP3
    ("mkv_h264_mp3_mono.mkv",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! x264enc bframes=0 ! h264parse ! matroskamux name=m ! filesink location=OUT "
     + A.format(n=86, rate=44100, ch=1) + " ! lamemp3enc ! mpegaudioparse ! m."),
    # VP9 and multichannel Opus (mapping family 1) in Matroska
    ("mkv_vp9_opus51.mkv",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! vp9enc deadline=1 ! matroskamux name=m ! filesink location=OUT "
     + "audiotestsrc num-buffers=94 samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=6,channel-mask=(bitmask)0x3f"
     + " ! opusenc ! m."),
    # H.265 and FLAC in Matroska
    ("mkv_h265_flac.mkv",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! x265enc ! h265parse ! matroskamux name=m ! filesink location=OUT "
     + A.format(n=86, rate=44100, ch=2) + " ! flacenc ! flacparse ! m."),
    # WebM, VP8 and Vorbis, as older browsers record
    ("webm_vp8_vorbis.webm",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! vp8enc deadline=1 ! webmmux name=m ! filesink location=OUT "
     + A.format(n=86, rate=44100, ch=2) + " ! vorbisenc ! m."),
    # MPEG-TS with B-frames and AAC (ADTS in PES), as HLS segments
    ("ts_h264_aac.ts",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! x264enc bframes=2 ! h264parse ! mpegtsmux name=m ! filesink location=OUT "
     + A.format(n=94, rate=48000, ch=2) + " ! avenc_aac ! aacparse ! m."),
    # MPEG-TS with MPEG-1 layer II audio, as DVB
    ("ts_h264_mp2.ts",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! x264enc bframes=0 ! h264parse ! mpegtsmux name=m ! filesink location=OUT "
     + A.format(n=94, rate=48000, ch=2) + " ! avenc_mp2 ! mpegaudioparse ! m."),
    # H.265 and 5.1 AAC in MPEG-TS
    ("ts_h265_aac51.ts",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! x265enc ! h265parse ! mpegtsmux name=m ! filesink location=OUT "
     + A51.format(n=94) + " ! avenc_aac ! aacparse ! m."),
    # FLV with B-frames (composition time), as RTMP recordings
    ("flv_h264_aac.flv",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! x264enc bframes=2 ! h264parse ! flvmux name=m ! filesink location=OUT "
     + A.format(n=86, rate=44100, ch=2) + " ! avenc_aac ! aacparse ! m."),
    # FLV with MP3
    ("flv_h264_mp3.flv",
     V.format(n=50, w=320, h=240, fps="25/1") + " ! x264enc bframes=0 ! h264parse ! flvmux name=m ! filesink location=OUT "
     + A.format(n=86, rate=44100, ch=2) + " ! lamemp3enc ! mpegaudioparse ! m."),
    # constant bit rate MP3 without any tag
    ("mp3_cbr_stereo.mp3", A.format(n=130, rate=44100, ch=2)
     + " ! lamemp3enc target=bitrate bitrate=128 cbr=true ! mpegaudioparse ! filesink location=OUT"),
    # MP3 behind an ID3v2 tag
    ("mp3_cbr_mono_id3.mp3", A.format(n=130, rate=44100, ch=1) + " ! lamemp3enc target=bitrate bitrate=64 cbr=true"
     " ! mpegaudioparse ! taginject tags=title=Test,artist=Me ! id3v2mux ! filesink location=OUT"),
    # variable bit rate MP3 with a Xing header (GStreamer's xingmux)
    ("mp3_vbr_xing.mp3", A.format(n=140, rate=48000, ch=2)
     + " ! lamemp3enc target=quality quality=4 ! mpegaudioparse ! xingmux ! filesink location=OUT"),
    # variable bit rate MP3 without a Xing header (duration estimated)
    ("mp3_vbr_noxing.mp3", A.format(n=140, rate=48000, ch=2)
     + " ! lamemp3enc target=quality quality=4 ! mpegaudioparse ! filesink location=OUT"),
    # raw AAC in ADTS, stereo
    ("aac_adts_stereo.aac", A.format(n=130, rate=44100, ch=2)
     + " ! avenc_aac ! aacparse ! audio/mpeg,stream-format=adts ! filesink location=OUT"),
    # raw AAC in ADTS, 5.1
    ("aac_adts_51.aac", A51.format(n=140)
     + " ! avenc_aac ! aacparse ! audio/mpeg,stream-format=adts ! filesink location=OUT"),
    # 16-bit PCM WAV
    ("wav_s16_stereo.wav", A.format(n=130, rate=44100, ch=2)
     + " ! audioconvert ! audio/x-raw,format=S16LE ! wavenc ! filesink location=OUT"),
    # 24-bit 5.1 WAV (WAVE_FORMAT_EXTENSIBLE with a channel mask)
    ("wav_s24_51.wav", A51.format(n=140) + " ! audioconvert ! audio/x-raw,format=S24LE ! wavenc ! filesink location=OUT"),
    # float WAV (WAVE_FORMAT_IEEE_FLOAT)
    ("wav_f32_mono.wav", A.format(n=140, rate=48000, ch=1)
     + " ! audioconvert ! audio/x-raw,format=F32LE ! wavenc ! filesink location=OUT"),
    # 16-bit FLAC
    ("flac_s16_stereo.flac", A.format(n=130, rate=44100, ch=2)
     + " ! audioconvert ! audio/x-raw,format=S16LE ! flacenc ! filesink location=OUT"),
    # 24-bit 5.1 FLAC
    ("flac_s24_51.flac", A51.format(n=140) + " ! audioconvert ! audio/x-raw,format=S24LE ! flacenc ! filesink location=OUT"),
    # Vorbis in Ogg
    ("ogg_vorbis_stereo.ogg", A.format(n=130, rate=44100, ch=2) + " ! vorbisenc ! oggmux ! filesink location=OUT"),
    # 5.1 Opus in Ogg
    ("ogg_opus_51.ogg", A51.format(n=140) + " ! opusenc ! oggmux ! filesink location=OUT"),
    # Theora and Vorbis in Ogg
    ("ogg_theora_vorbis.ogv", V.format(n=50, w=320, h=240, fps="25/1") + " ! theoraenc ! oggmux name=m ! filesink location=OUT "
     + A.format(n=86, rate=44100, ch=2) + " ! vorbisenc ! m."),
    # VP9 at an odd size and Opus in WebM, as browsers record
    ("webm_vp9_opus.webm",
     V.format(n=50, w=500, h=600, fps="25/1") + " ! vp9enc deadline=1 ! webmmux name=m ! filesink location=OUT "
     + A.format(n=94, rate=48000, ch=2) + " ! opusenc ! m."),
]



def vsrc(size="320x240", rate="25", secs=1):
    """ffmpeg's test pattern as an input."""
    return f"-f lavfi -i testsrc=size={size}:rate={rate}:duration={secs}"


def asrc(layout="stereo", rate=48000, secs=1):
    """ffmpeg's sine as an input, in the given channel layout."""
    return f"-f lavfi -i sine=frequency=440:sample_rate={rate}:duration={secs},aformat=channel_layouts={layout}"


H264 = "-c:v libx264 -pix_fmt yuv420p"


def started_after(secs):
    return lambda v: v is not None and float(v) >= secs


# name, ffmpeg arguments (the file is appended), traits to check in ffprobe's
# document (see trait_value): media GStreamer 1.22 cannot make, or that are
# made differently by FFmpeg's own muxers
FFMPEG_CORPUS = [
    # MPEG-4 part 2 in MOV (avenc_mpeg4 stamps every buffer with an invalid timestamp in 1.22)
    ("mov_mpeg4_aac_ffmpeg.mov", "-f lavfi -i testsrc=size=320x240:rate=25:duration=2 -f lavfi -i sine=duration=2 "
     "-c:v mpeg4 -c:a aac", {}),
    # ffmpeg's own edit lists: AAC priming skipped, B-frames delayed
    ("mp4_h264_aac_ffmpeg.mp4", "-f lavfi -i testsrc=size=320x240:rate=30:duration=2 -f lavfi -i sine=duration=2 "
     "-c:v libx264 -pix_fmt yuv420p -c:a aac", {}),

    # 5.1 AC-3 beside H.264 in MP4 (ac-3 sample entry, dac3 box), as TV recordings
    ("mp4_h264_ac3_51.mp4", f"{vsrc()} {asrc('5.1')} {H264} -c:a ac3 -f mp4",
     {"streams[1].codec_tag_string": "ac-3", "streams[1].channels": 6}),
    # E-AC-3 in MP4 (ec-3 sample entry, dec3 box), as streaming services ship
    ("mp4_eac3.mp4", f"{asrc()} -c:a eac3 -f mp4", {"streams[0].codec_tag_string": "ec-3"}),
    # Apple Lossless in M4A (alac sample entry with its magic cookie), as iTunes rips
    ("m4a_alac.m4a", f"{asrc(rate=44100)} -c:a alac -f ipod", {"streams[0].codec_name": "alac"}),
    # Opus in MP4 (Opus sample entry, dOps box)
    ("mp4_opus.mp4", f"{asrc()} -c:a libopus -f mp4", {"streams[0].codec_tag_string": "Opus"}),
    # FLAC in MP4 (fLaC sample entry, dfLa box; still experimental in ffmpeg 5.1's muxer)
    ("mp4_flac.mp4", f"{asrc(rate=44100)} -c:a flac -strict -2 -f mp4", {"streams[0].codec_tag_string": "fLaC"}),
    # little-endian 16-bit PCM in MOV (sowt), as Final Cut and screen recorders write it
    ("mov_pcm_s16le.mov", f"{asrc()} -c:a pcm_s16le -f mov", {"streams[0].codec_tag_string": "sowt"}),
    # big-endian 16-bit PCM beside H.264 in MOV (twos), as cameras write it
    ("mov_h264_pcm_s16be.mov", f"{vsrc()} {asrc()} {H264} -c:a pcm_s16be -f mov",
     {"streams[1].codec_tag_string": "twos"}),
    # 24-bit PCM in MOV (in24 with an endianness atom), as professional recorders
    ("mov_pcm_s24le.mov", f"{asrc()} -c:a pcm_s24le -f mov", {"streams[0].codec_tag_string": "in24"}),
    # 32-bit float PCM in MOV (fl32), as DAWs export
    ("mov_pcm_f32le.mov", f"{asrc('5.1')} -c:a pcm_f32le -f mov", {"streams[0].codec_tag_string": "fl32"}),
    # PCM in MP4 (ipcm/fpcm, ISO/IEC 23003-5) is not here: ffmpeg 5.1's mp4 muxer refuses PCM
    # ("codec not currently supported in container", even with -strict -2) and its demuxer
    # does not know ipcm; QuickTime's lpcm sample entry is not made either (5.1 writes sowt,
    # twos, in24, fl32, and GStreamer's qtmux sowt).

    # MPEG-2 video at 29.97 fps and 5.1 AC-3 in MPEG-TS, as ATSC broadcasts
    ("ts_mpeg2_ac3.ts", f"{vsrc(rate='30000/1001')} {asrc('5.1')} -c:v mpeg2video -c:a ac3 -f mpegts",
     {"streams[0].codec_name": "mpeg2video", "streams[1].codec_name": "ac3"}),
    # MPEG-TS whose timestamps start late, as a recording cut from a running broadcast
    ("ts_h264_aac_late.ts", f"{vsrc()} {asrc()} {H264} -c:a aac -output_ts_offset 10 -f mpegts",
     {"format.start_time": started_after(10)}),
    # MPEG-TS with a long mux delay and preload (PCR far ahead of the first PTS)
    ("ts_mpeg2_mp2_muxdelay.ts", f"{vsrc()} {asrc()} -c:v mpeg2video -c:a mp2 -muxdelay 3 -muxpreload 3 -f mpegts",
     {"format.start_time": started_after(3)}),

    # fragmented MP4 (empty moov, one moof per key frame, base-is-moof), as live streams and MSE
    ("mp4_frag_empty_moov.mp4", f"{vsrc(secs=2)} {asrc(secs=2)} {H264} -g 25 -c:a aac "
     "-movflags frag_keyframe+empty_moov+default_base_moof -f mp4",
     {"boxes": lambda b: b[:3] == ["ftyp", "moov", "moof"] and b.count("moof") >= 2}),
    # partially fragmented MP4: the first samples in the moov, the rest in fragments
    ("mp4_frag_partial.mp4", f"{vsrc(secs=2)} {asrc(secs=2)} {H264} -g 25 -c:a aac -movflags frag_keyframe -f mp4",
     {"boxes": lambda b: b[:4] == ["ftyp", "moov", "mdat", "moof"]}),

    # FLAC with a PNG cover as a METADATA_BLOCK_PICTURE (an attached picture), as tagged music
    ("flac_cover.flac", f"{asrc(rate=44100)} -f lavfi -i testsrc=size=64x64:rate=1:duration=1 -map 0 -map 1 "
     "-frames:v 1 -c:a flac -c:v png -disposition:v attached_pic -metadata:s:v comment='Cover (front)' -f flac",
     {"streams[1].codec_name": "png", "streams[1].disposition.attached_pic": 1}),
    # MP3 behind an ID3v2.3 tag with a JPEG cover (APIC), as tagged music
    ("mp3_cover_id3.mp3", f"{asrc(rate=44100)} -f lavfi -i testsrc=size=64x64:rate=1:duration=1 -map 0 -map 1 "
     "-frames:v 1 -c:a libmp3lame -c:v mjpeg -disposition:v attached_pic -id3v2_version 3 "
     "-metadata title=Cover -metadata:s:v comment='Cover (front)' -f mp3",
     {"streams[1].codec_name": "mjpeg", "streams[1].disposition.attached_pic": 1}),

    # RF64 WAV (64-bit sizes in a ds64 chunk), as broadcast recorders write long takes
    ("wav_rf64.wav", f"{asrc()} -c:a pcm_s16le -rf64 always -f wav", {"bytes": lambda b: b[:4] == b"RF64"}),
    # IMA ADPCM WAV (block-aligned 4-bit samples, a fact chunk), as dictaphones and games
    ("wav_adpcm_ima.wav", f"{asrc()} -c:a adpcm_ima_wav -f wav", {"streams[0].codec_name": "adpcm_ima_wav"}),
    # Broadcast WAV (a bext chunk before the data), as field recorders
    ("wav_bext.wav", f"{asrc()} -c:a pcm_s24le -write_bext 1 -metadata description=KVS -f wav",
     {"bytes": lambda b: b"bext" in b[:64]}),

    # MP4 whose timestamps start late (every track after 5 s), as a cut from a longer recording
    ("mp4_h264_aac_late.mp4", f"{vsrc()} {asrc()} {H264} -c:a aac -output_ts_offset 5 -f mp4",
     {"format.start_time": started_after(4.9)}),
    # MP4 whose video starts 2 s after its audio (an empty edit in the video's edit list)
    ("mp4_h264_aac_empty_edit.mp4", f"-itsoffset 2 {vsrc()} {asrc()} {H264} -fps_mode passthrough -c:a aac -f mp4",
     {"streams[0].start_time": "2.000000", "streams[1].start_time": "0.000000"}),
    # Matroska whose timestamps start late, as a cut from a longer recording
    ("mkv_h264_aac_late.mkv", f"{vsrc()} {asrc()} {H264} -c:a aac -output_ts_offset 7 -f matroska",
     {"format.start_time": started_after(6.9)}),

    # VP9 in MP4 (vp09 sample entry, vpcC box), as YouTube's DASH renditions
    ("mp4_vp9.mp4", f"{vsrc()} -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -pix_fmt yuv420p -f mp4",
     {"streams[0].codec_tag_string": "vp09"}),

    # MP3 by LAME through libavformat (a Xing header, LAME's tag, encoder delay), as most MP3s
    ("mp3_lame_vbr_ffmpeg.mp3", f"{asrc(rate=44100, secs=1.5)} -c:a libmp3lame -q:a 4 -f mp3",
     {"bytes": lambda b: b"Xing" in b[:4096]}),
    # constant bit rate MP3 through libavformat (an Info header)
    ("mp3_lame_cbr_ffmpeg.mp3", f"{asrc(rate=44100, secs=1.5)} -c:a libmp3lame -b:a 128k -f mp3",
     {"bytes": lambda b: b"Info" in b[:4096]}),
    # Opus in Ogg by libavformat (pre-skip, granule positions), as voice messages
    ("ogg_opus_ffmpeg.opus", f"{asrc()} -c:a libopus -f ogg", {"streams[0].codec_name": "opus"}),
    # Vorbis in Ogg by libavformat
    ("ogg_vorbis_ffmpeg.ogg", f"{asrc(rate=44100)} -c:a libvorbis -f ogg", {"streams[0].codec_name": "vorbis"}),
    # raw 5.1 AC-3 (.ac3), as ripped from a DVD
    ("ac3_51.ac3", f"{asrc('5.1')} -c:a ac3 -f ac3", {"streams[0].channels": 6}),
    # raw AAC in ADTS by libavformat
    ("aac_adts_ffmpeg.aac", f"{asrc()} -c:a aac -f adts", {"streams[0].codec_name": "aac"}),
    # AVI with MPEG-4 part 2 (FMP4) and MP3, as old camcorders and downloads
    ("avi_mpeg4_mp3.avi", f"{vsrc()} {asrc(rate=44100)} -c:v mpeg4 -c:a libmp3lame -f avi",
     {"streams[0].codec_tag_string": "FMP4"}),
    # MPEG-2 program stream (pack headers, VOB style) with MPEG-1 layer II, as DVDs and DVB recorders
    ("mpg_mpeg2_mp2.mpg", f"{vsrc()} {asrc()} -c:v mpeg2video -c:a mp2 -f vob",
     {"format.format_name": "mpeg"}),
    # MXF OP1a with MPEG-2 and PCM, as broadcast cameras and playout servers
    ("mxf_mpeg2_pcm.mxf", f"{vsrc()} {asrc('mono')} -c:v mpeg2video -c:a pcm_s16le -f mxf",
     {"format.format_name": "mxf"}),
]


def write_file(path, data):
    with open(path, "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def copy_file(src, dst):
    shutil.copyfile(src, dst)


def top_level_boxes(data):
    """The types of an ISO BMFF file's top-level boxes, in order."""
    boxes, pos = [], 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack_from(">I4s", data, pos)
        if size == 1 and pos + 16 <= len(data):
            size = struct.unpack_from(">Q", data, pos + 8)[0]
        elif size == 0:
            size = len(data) - pos
        if size < 8:
            break
        boxes.append(kind.decode("latin-1"))
        pos += size
    return boxes


def keep_init_segment(src, dst):
    """Writes the boxes of src before its first moof: an init segment."""
    data = open(src, "rb").read()
    pos = 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack_from(">I4s", data, pos)
        if kind == b"moof" or size < 8:
            break
        pos += size
    write_file(dst, data[:pos])


def prepend_id3v2(src, dst):
    """Writes src behind an ID3v2.3 tag holding a title (TIT2) and padding."""
    text = b"\x00" + b"KVS conformance"                 # ISO-8859-1, then the title
    frame = b"TIT2" + struct.pack(">IH", len(text), 0) + text
    body = frame + bytes(64)                             # padding, as taggers leave
    size = len(body)
    synchsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    write_file(dst, b"ID3\x03\x00\x00" + synchsafe + body + open(src, "rb").read())


def amr_file(src, dst):
    """Writes AMR-NB frames (amrnbenc's storage format) as an .amr file (RFC 4867 section 5)."""
    write_file(dst, b"#!AMR\n" + open(src, "rb").read())


def rotate_video_track(src, dst):
    """Rewrites the first tkhd's matrix to a 90 degrees clockwise rotation."""
    data = bytearray(open(src, "rb").read())
    pos = data.find(b"tkhd")
    if pos < 0:
        raise RuntimeError("no tkhd in " + src)
    version = data[pos + 4]
    matrix = pos + 4 + 4 + (32 if version == 1 else 20) + 16
    a, b, c, d = 0, 0x10000, -0x10000 & 0xffffffff, 0
    struct.pack_into(">IIIII", data, matrix, a, b, 0, c, d)
    write_file(dst, bytes(data))


SRT = """1
00:00:00,000 --> 00:00:00,800
Hello

2
00:00:01,000 --> 00:00:01,800
<i>World</i>
"""

# private data for a TS data stream: a fixed pattern, so that the corpus is the same each run
DATA = bytes(range(256)) * 8


@dataclass
class Alternatives:
    """Several ways of making one file: the first this machine can run is used."""
    variants: tuple


def alternatives(*variants):
    return Alternatives(variants)


AMR_GST = "audiotestsrc num-buffers=50 samplesperbuffer=160 ! audio/x-raw,rate=8000,channels=1 ! amrnbenc"

# name, steps (or alternatives of steps), traits to check. A step is
# ("ffmpeg", arguments), ("gst", launch line) or ("py", function, path...);
# OUT is the corpus file, WORK/ the entry's own folder for what it makes
# on the way.
RECIPES = [
    # H.263 and AMR-NB in 3GP (s263, samr), as feature phones and MMS
    ("3gp_h263_amr_nb.3gp", alternatives(
        [("ffmpeg", f"{vsrc('176x144', 15)} {asrc('mono', 8000)} -c:v h263 -c:a libopencore_amrnb -f 3gp OUT")],
        [("gst", AMR_GST + " ! filesink location=WORK/frames"),
         ("py", amr_file, "WORK/frames", "WORK/audio.amr"),
         ("ffmpeg", f"{vsrc('176x144', 15)} -f amr -i WORK/audio.amr -c:v h263 -c:a copy -f 3gp OUT")]),
     {"streams[0].codec_tag_string": "s263", "streams[1].codec_tag_string": "samr"}),
    # raw AMR-NB (.amr), as voice recorders
    ("amr_nb.amr", alternatives(
        [("ffmpeg", f"{asrc('mono', 8000)} -c:a libopencore_amrnb -f amr OUT")],
        [("gst", AMR_GST + " ! filesink location=WORK/frames"), ("py", amr_file, "WORK/frames", "OUT")]),
     {"streams[0].codec_name": "amr_nb"}),
    # MPEG-TS with a private data stream (stream type 0x06) and a named service in its SDT, as DVB
    ("ts_h264_aac_data_sdt.ts", [
        ("py", write_file, "WORK/data.bin", DATA),
        ("ffmpeg", f"{vsrc()} {asrc()} -f data -i WORK/data.bin -map 0 -map 1 -map 2 {H264} -c:a aac -c:d copy "
         "-metadata service_provider=KVS -metadata service_name=Conformance -f mpegts OUT")],
     {"streams[2].codec_type": "data"}),
    # a DASH init segment (ftyp and moov only, no sample), as ffmpeg's dash muxer writes init.m4s
    ("dash_init_h264.m4s", [
        ("ffmpeg", f"{vsrc(secs=2)} {H264} -g 25 -f dash -init_seg_name init.m4s "
         "-media_seg_name seg-$Number$.m4s WORK/manifest.mpd"),
        ("py", copy_file, "WORK/init.m4s", "OUT")],
     {"boxes": ["ftyp", "moov"]}),
    # an audio and video init segment cut from a fragmented MP4, as a CMAF/HLS fMP4 init
    ("mp4_init_segment_av.mp4", [
        ("ffmpeg", f"{vsrc()} {asrc()} {H264} -c:a aac -movflags frag_custom+empty_moov -f mp4 WORK/full.mp4"),
        ("py", keep_init_segment, "WORK/full.mp4", "OUT")],
     {"boxes": ["ftyp", "moov"], "format.nb_streams": 2}),
    # FLAC behind an ID3v2 tag, as some taggers write it
    ("flac_id3v2.flac", [
        ("ffmpeg", f"{asrc(rate=44100)} -c:a flac -f flac WORK/plain.flac"),
        ("py", prepend_id3v2, "WORK/plain.flac", "OUT")],
     {"bytes": lambda b: b[:3] == b"ID3", "format.format_name": "flac"}),
    # Matroska with SubRip and ASS subtitles and a font attachment, as fansubs and rips
    ("mkv_h264_aac_subs_font.mkv", [
        ("py", write_file, "WORK/subs.srt", SRT),
        ("py", write_file, "WORK/font.ttf", b"\x00\x01\x00\x00" + bytes(60)),
        ("ffmpeg", f"{vsrc(secs=2)} {asrc(secs=2)} -i WORK/subs.srt -map 0 -map 1 -map 2 -map 2 {H264} -c:a aac "
         "-c:s:0 srt -c:s:1 ass -metadata:s:s:0 language=eng -metadata:s:s:1 language=fre "
         "-attach WORK/font.ttf -metadata:s:t mimetype=application/x-truetype-font -f matroska OUT")],
     {"streams[2].codec_name": "subrip", "streams[3].codec_name": "ass", "streams[4].codec_type": "attachment"}),
    # 90 degrees clockwise in GStreamer's MP4, its tkhd matrix rewritten (GStreamer 1.22's muxers write none)
    ("mp4_h264_rot90.mp4", [
        ("gst", V500x600 + " ! mp4mux ! filesink location=WORK/plain.mp4"),
        ("py", rotate_video_track, "WORK/plain.mp4", "OUT")],
     {"streams[0].side_data_list[0].rotation": -90}),
    # (ffmpeg 5.1 honours -metadata:s:v rotate=N only when copying, and writes the opposite turn:
    # rotate=270 gives ffprobe's rotation -90, older ffprobe's rotate "90"; hence two steps each)
    # 90 degrees clockwise by ffmpeg's own muxer (rotation -90), as a phone held upright records
    ("mp4_h264_rotate270_ffmpeg.mp4", [
        ("ffmpeg", f"{vsrc()} {H264} -f mp4 WORK/plain.mp4"),
        ("ffmpeg", "-i WORK/plain.mp4 -c copy -metadata:s:v:0 rotate=270 -f mp4 OUT")],
     {"streams[0].side_data_list[0].rotation": -90}),
    # 90 degrees counter-clockwise by ffmpeg's own muxer (rotation 90, rotate "270"), a phone held the other way
    ("mp4_h264_rotate90_ffmpeg.mp4", [
        ("ffmpeg", f"{vsrc()} {H264} -f mp4 WORK/plain.mp4"),
        ("ffmpeg", "-i WORK/plain.mp4 -c copy -metadata:s:v:0 rotate=90 -f mp4 OUT")],
     {"streams[0].side_data_list[0].rotation": 90}),
    # AV1 in MP4 (av01 sample entry, av1C box), with the first AV1 encoder this ffmpeg has
    ("mp4_av1.mp4", alternatives(*(
        [("ffmpeg", f"{vsrc('64x64', secs=0.2)} -c:v {encoder} -pix_fmt yuv420p -f mp4 OUT")]
        for encoder in ("libaom-av1 -cpu-used 8", "libsvtav1 -preset 12", "librav1e -speed 10"))),
     {"streams[0].codec_tag_string": "av01"}),
]


@dataclass
class Entry:
    name: str
    variants: tuple          # each a list of steps
    traits: dict = field(default_factory=dict)


def corpus():
    entries = [Entry(name, ([("gst", line)],)) for name, line in GST_CORPUS]
    entries += [Entry(name, ([("ffmpeg", args + " OUT")],), traits) for name, args, traits in FFMPEG_CORPUS]
    for name, steps, traits in RECIPES:
        variants = steps.variants if isinstance(steps, Alternatives) else (steps,)
        entries.append(Entry(name, variants, traits))
    return entries


def listing(argv, pattern):
    """The names a tool lists (its first column matching pattern), or nothing if it cannot run."""
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT)
    except OSError:
        return set()
    names = set()
    for line in p.stdout.splitlines():
        m = re.match(pattern, line)
        if m:
            names.update(m.group(m.lastindex).split(","))
    return names


@dataclass
class Tools:
    """What this machine's ffmpeg and GStreamer can make."""
    encoders: set
    muxers: set
    demuxers: set
    filters: set
    elements: set

    @classmethod
    def probe(cls):
        ff = ["ffmpeg", "-hide_banner"]
        return cls(encoders=listing(ff + ["-encoders"], r"^ [VASD.][F.][S.][X.][B.][D.] (\S+)"),
                   muxers=listing(ff + ["-muxers"], r"^ [D ]E (\S+)"),
                   demuxers=listing(ff + ["-demuxers"], r"^ D[E ] (\S+)"),
                   filters=listing(ff + ["-filters"], r"^ [T.][S.][C.] (\S+)"),
                   elements=listing(["gst-inspect-1.0"], r"^[^:\s]+:\s+([^:\s]+):"))

    def missing(self, step):
        """What a step needs that this machine lacks, in words."""
        kind, words = step[0], step[1]
        if kind == "gst":
            return [f"GStreamer has no element {e}" for e in gst_elements(words) if e not in self.elements]
        if kind != "ffmpeg":
            return []
        lacks, fmt = [], None
        tokens = shlex.split(words)
        for opt, val in zip(tokens, tokens[1:] + [""]):
            if opt == "-f":
                if fmt is not None and fmt not in self.muxers:
                    lacks.append(f"ffmpeg has no muxer {fmt}")
                fmt = val
            elif opt == "-i":
                if fmt is not None and fmt not in self.demuxers:
                    lacks.append(f"ffmpeg has no demuxer {fmt}")
                if fmt == "lavfi":
                    lacks += [f"ffmpeg has no filter {f}" for f in filter_names(val) if f not in self.filters]
                fmt = None
            elif opt in ("-af", "-vf", "-filter:a", "-filter:v"):
                lacks += [f"ffmpeg has no filter {f}" for f in filter_names(val) if f not in self.filters]
            elif re.fullmatch(r"-(c|codec)(:\w+)*|-[avs]codec", opt) and val != "copy":
                if val not in self.encoders:
                    lacks.append(f"ffmpeg has no encoder {val}")
        if fmt is not None and fmt not in self.muxers:
            lacks.append(f"ffmpeg has no muxer {fmt}")
        return lacks


def gst_elements(line):
    """The element names of a launch line (not caps, properties nor pad references)."""
    return [t for t in shlex.split(line)
            if t != "!" and "=" not in t and "/" not in t and not t.endswith(".")]


def filter_names(graph):
    return [part.split("=", 1)[0].strip() for chain in graph.split(";") for part in chain.split(",") if part.strip()]


class StepFailed(Exception):
    pass


def make(steps, out, work):
    def path(word):
        return word.replace("OUT", out).replace("WORK/", work + os.sep)

    for step in steps:
        kind = step[0]
        if kind == "py":
            func, args = step[1], step[2:]
            os.makedirs(work, exist_ok=True)
            func(*(path(a) if isinstance(a, str) and (a == "OUT" or a.startswith("WORK/")) else a for a in args))
            continue
        if "WORK/" in step[1]:
            os.makedirs(work, exist_ok=True)
        tokens = [path(t) for t in shlex.split(step[1])]
        argv = (["ffmpeg", "-v", "error", "-nostdin", "-y"] if kind == "ffmpeg" else ["gst-launch-1.0", "-q", "-e"])
        try:
            p = subprocess.run(argv + tokens, capture_output=True, text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise StepFailed(f"{kind} did not end in {TIMEOUT} s") from None
        if p.returncode != 0:
            tail = " | ".join(p.stderr.strip().splitlines()[-3:])
            raise StepFailed(f"{kind} exited with {p.returncode}: {tail}")
    if not os.path.isfile(out):
        raise StepFailed("no file was made")


def trait_value(doc, path, key):
    """A trait's value: `boxes` (top-level ISO BMFF boxes), `bytes` (the file) or a path in ffprobe's document."""
    if key == "boxes":
        return top_level_boxes(open(path, "rb").read())
    if key == "bytes":
        return open(path, "rb").read()
    value = doc
    for part in re.findall(r"[^.\[\]]+", key):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return None
    return value


def missing_traits(entry, path, doc):
    for key, want in entry.traits.items():
        got = trait_value(doc, path, key)
        if not (want(got) if callable(want) else got == want):
            shown = f"{len(got)} bytes" if isinstance(got, bytes) else repr(got)
            yield f"{key} is {shown}"


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
    if os.path.exists(out):
        os.remove(out)
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"kvsprobe did not end in {TIMEOUT} s") from None
    if p.returncode != 0 or not os.path.exists(out):
        raise RuntimeError(f"kvsprobe failed: {p.stderr.strip()}")
    with open(out, encoding="utf-8") as f:
        return f.read()


def ffprobe(path):
    p = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", path],
                       capture_output=True, text=True, timeout=TIMEOUT)
    if p.returncode != 0:
        raise StepFailed(f"ffprobe cannot read it: {p.stderr.strip()}")
    return json.loads(p.stdout)


def compare(ours, theirs):
    """Yields (field, ours, theirs, whose) per compared field: every field either document prints."""
    for i, b in enumerate(theirs["streams"]):
        a = ours["streams"][i] if i < len(ours["streams"]) else {}
        for k in STREAM_FIELDS:
            if k in a or k in b:
                yield f"streams[{i}].{k}", a.get(k), b.get(k), "ffprobe"
    for k in FORMAT_FIELDS:
        if k in ours["format"] or k in theirs["format"]:
            yield f"format.{k}", ours["format"].get(k), theirs["format"].get(k), "ffprobe"
    for i in range(len(theirs["streams"]), len(ours["streams"])):
        yield f"streams[{i}]", "present", None, "ffprobe"


def rotate(stream):
    """Older ffprobe's `rotate`: the display matrix's rotation, clockwise, None when 0 or absent."""
    want = next((str(-int(sd["rotation"]) % 360) for sd in stream.get("side_data_list", [])
                 if "rotation" in sd), None)
    return None if want == "0" else want


def codec_time_base(stream):
    """Older ffprobe's `codec_time_base` (the decoder's time base), None where it is left out."""
    if stream.get("codec_type") == "video":
        num, _, den = stream.get("avg_frame_rate", "0/0").partition("/")
        if int(num or 0) == 0 or int(den or 0) == 0:
            return None
        ticks = 2 if stream.get("codec_name") in TWO_TICKS else 1
        tb = 1 / (Fraction(int(num), int(den)) * ticks)
        return f"{tb.numerator}/{tb.denominator}"
    if stream.get("codec_type") == "audio" and int(stream.get("sample_rate") or 0) > 0:
        return f"1/{int(stream['sample_rate'])}"
    return None


def derived(ours, theirs):
    """Yields (field, ours, wanted, whose) for the fields ffprobe 5.1 does not print: rotate, codec_time_base."""
    for i, b in enumerate(theirs["streams"]):
        a = ours["streams"][i] if i < len(ours["streams"]) else {}
        yield f"streams[{i}].rotate", a.get("rotate"), rotate(b), "ffprobe's display matrix gives"
        if "codec_time_base" in a:
            yield f"streams[{i}].codec_time_base", a["codec_time_base"], codec_time_base(b), "ffprobe's rates give"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("root", metavar="SOURCE_ROOT")
    parser.add_argument("--keep", metavar="DIR", help="make the corpus in DIR and keep it")
    parser.add_argument("--only", metavar="GLOB", action="append", help="run only the entries matching GLOB")
    return parser.parse_args()


def main():
    args = parse_args()
    rules = known_differences(os.path.join(os.path.abspath(args.root), "docs", "kvsprobe.md"))
    for tool in ("ffprobe", "ffmpeg", "gst-launch-1.0"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed: run scripts/setup")
            return 1

    entries = corpus()
    if args.only:
        entries = [e for e in entries if any(fnmatch.fnmatch(e.name, g) for g in args.only)]
        if not entries:
            print(f"no corpus entry matches {' '.join(args.only)}")
            return 1
    tmp = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="kvs-conformance-")
    os.makedirs(tmp, exist_ok=True)
    tools = Tools.probe()

    failures = skipped = 0
    made = []
    started = time.monotonic()
    for entry in entries:
        out, work = os.path.join(tmp, entry.name), os.path.join(tmp, "work", entry.name)
        lacks = [list(dict.fromkeys(sum((tools.missing(step) for step in steps), []))) for steps in entry.variants]
        usable = [i for i, lack in enumerate(lacks) if not lack]
        if not usable:
            print(f"skip {entry.name}: {'; or '.join(', '.join(lack) for lack in lacks)}")
            skipped += 1
            continue
        steps = entry.variants[usable[0]]
        if usable[0]:
            print(f"     {entry.name}: made by its alternative {usable[0] + 1}: "
                  f"{'; '.join(sum(lacks[:usable[0]], []))}")
        try:
            make(steps, out, work)
            theirs = ffprobe(out)
        except StepFailed as err:
            print(f"FAIL {entry.name}: not made: {err}")
            failures += 1
            continue
        for what in missing_traits(entry, out, theirs):
            print(f"FAIL {entry.name}: trait not made: {what}")
            failures += 1
        made.append((entry.name, out, theirs))
    print(f"made {len(made)} files in {time.monotonic() - started:.1f} s, {skipped} skipped")

    total = matched = listed = unlisted = 0
    for name, path, theirs in made:
        try:
            pull = kvsprobe(path, False, path + ".pull.json")
            push = kvsprobe(path, True, path + ".push.json")
        except RuntimeError as err:
            print(f"FAIL {name}: {err}")
            failures += 1
            continue
        if pull != push:
            print(f"FAIL {name}: pull and push mode documents differ")
            failures += 1
        ours = json.loads(pull)
        n = ok = 0
        for fld, a, b, whose in list(compare(ours, theirs)) + list(derived(ours, theirs)):
            n += 1
            if a == b:
                ok += 1
                continue
            key = fld.split(".")[-1]
            reason = next((r for g, f, r in rules if fnmatch.fnmatch(name, g) and f == key), None)
            if reason:
                print(f"     {name}: {fld}: kvsprobe {a!r}, {whose} {b!r} (known: {reason})")
                listed += 1
            else:
                print(f"FAIL {name}: {fld}: kvsprobe {a!r}, {whose} {b!r}")
                unlisted += 1
        print(f"{'ok  ' if ok == n else '    '} {name}: {ok}/{n} fields match ffprobe")
        total += n
        matched += ok

    outside = total - listed
    pct = 100.0 * matched / outside if outside else 0.0
    print(f"{matched}/{outside} fields outside the known differences match ffprobe ({pct:.1f}%), "
          f"{listed} known differences, {unlisted} unlisted differences, {failures} other failures")
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if made and failures == 0 and unlisted == 0 and matched == outside else 1


if __name__ == "__main__":
    sys.exit(main())
