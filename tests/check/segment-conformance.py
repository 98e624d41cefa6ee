#!/usr/bin/env python3
"""kvssegmentsink's segments, list and segmentsinfo, measured by ffprobe/ffmpeg.

Media are made at test time with GStreamer's encoders. Each case cuts one
with kvssegmentsink under gst-launch-1.0, then checks with FFmpeg's tools,
not with GStreamer:

  - every file the document lists exists, with the listed size;
  - each segment alone opens in ffprobe, and its duration as ffprobe
    measures it (the stream's start_time and duration, or its packets where
    the container declares none) is the listed one within 1 ms. The cuts
    fall on video frames, so that is the video stream's span when there is
    video (audio frames straddle the cuts: a segment's audio may differ by
    less than one audio frame, also checked), else the audio stream's; the
    last segment lasts until its latest stream ends;
  - each segment decodes alone, every frame of it (ffmpeg -f null);
  - the listed durations add up to the source's duration (within 1 ms);
  - the m3u8 of MPEG-TS segments opens in ffprobe as HLS, and ffmpeg plays
    it through: every frame of the source decoded, up to its full duration.
    (FFmpeg's HLS reader does not take whole mp4 files as segments; those
    lists are checked line by line instead.)

  segment-conformance.py [--keep DIR]
"""
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

TIMEOUT = 120
TOLERANCE = 0.001

V = ("videotestsrc num-buffers={frames} ! video/x-raw,format=I420,width=320,height=240,framerate=30/1 "
     "! x264enc speed-preset=ultrafast key-int-max={gop} ! h264parse")
A = "audiotestsrc num-buffers={n} samplesperbuffer=1024 ! audio/x-raw,rate=44100,channels=2 ! avenc_aac ! aacparse"

# name, source (GStreamer launch line writing OUT), demuxed branches
SOURCES = {
    "video": (V.format(frames=300, gop=45) + " ! mp4mux ! filesink location=OUT",
              "d.video_0 ! queue ! h264parse ! s.video"),
    "av": (V.format(frames=180, gop=30) + " ! mp4mux name=m ! filesink location=OUT "
           + A.format(n=259) + " ! m.",
           "d.video_0 ! queue ! h264parse ! s.video d.audio_0 ! queue ! aacparse ! s.audio_0"),
    "audio": (A.format(n=216) + " ! mp4mux ! filesink location=OUT",
              "d.audio_0 ! queue ! aacparse ! s.audio_0"),
    "short": (V.format(frames=20, gop=30) + " ! mp4mux ! filesink location=OUT",
              "d.video_0 ! queue ! h264parse ! s.video"),
}

# case, source, target duration, muxer, extension
CASES = [
    ("video-mp4", "video", 2, "mp4", "mp4"),
    ("video-ts", "video", 2, "mpegts", "ts"),
    ("video-mkv", "video", 2, "matroska", "mkv"),
    ("av-mp4", "av", 2, "mp4", "mp4"),
    ("av-ts", "av", 2, "mpegts", "ts"),
    ("audio-mp4", "audio", 1, "mp4", "mp4"),
    ("audio-ts", "audio", 1, "mpegts", "ts"),
    ("short-mp4", "short", 10, "mp4", "mp4"),
]


def run(argv):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT)
    if p.returncode != 0:
        raise RuntimeError(f"{shlex.join(argv)} failed ({p.returncode}): {p.stderr.strip()[-600:]}")
    return p.stdout


def span(path, kind):
    """(start, end) of a stream in seconds, and its packet count: the
    container's start_time and duration when it declares them, else from
    the packets (first timestamp to the end of the last packet)"""
    out = json.loads(run(["ffprobe", "-v", "error", "-select_streams", kind, "-show_entries",
                          "packet=pts_time,duration_time:stream=start_time,duration", "-of", "json", path]))
    pk = [(float(p["pts_time"]), float(p["duration_time"]) if "duration_time" in p else None)
          for p in out["packets"]]
    if not pk:
        return None
    known = sorted(d for _, d in pk if d)
    typical = known[len(known) // 2] if known else 0.0
    start = min(p for p, _ in pk)
    end = max(p + (typical if d is None else d) for p, d in pk)
    st = out["streams"][0] if out["streams"] else {}
    if "start_time" in st and "duration" in st:
        start, end = float(st["start_time"]), float(st["start_time"]) + float(st["duration"])
    return start, end, len(pk)


def file_end(path):
    """where the latest stream of a file ends"""
    return max(span(path, k)[1] for k in ("v", "a") if span(path, k) is not None)


def decoded_frames(path, kind):
    """frames of a stream that ffmpeg decodes, and the end of the last one"""
    out = json.loads(run(["ffprobe", "-v", "error", "-select_streams", kind, "-show_entries",
                          "frame=best_effort_timestamp_time,pkt_duration_time", "-of", "json", path]))
    fr = [f for f in out["frames"] if "best_effort_timestamp_time" in f]
    end = max((float(f["best_effort_timestamp_time"]) + float(f.get("pkt_duration_time", 0)) for f in fr),
              default=0.0)
    start = min((float(f["best_effort_timestamp_time"]) for f in fr), default=0.0)
    return len(fr), start, end


def main():
    keep = sys.argv[sys.argv.index("--keep") + 1] if "--keep" in sys.argv else None
    for tool in ("ffprobe", "ffmpeg"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed: run scripts/setup")
            return 1
    tmp = keep or tempfile.mkdtemp(prefix="kvs-segment-conformance-")
    os.makedirs(tmp, exist_ok=True)
    failures = []

    def check(case, ok, what):
        if not ok:
            failures.append(f"{case}: {what}")
            print(f"FAIL {case}: {what}")

    sources = {}
    for name, (line, _) in SOURCES.items():
        out = os.path.join(tmp, f"src-{name}.mp4")
        run(["gst-launch-1.0", "-q", "-e"] + shlex.split(line.replace("OUT", out)))
        kind = "a" if name == "audio" else "v"
        start, _, n = span(out, kind)
        streams = {k: span(out, k) for k in ("v", "a") if span(out, k) is not None}
        sources[name] = (out, kind, file_end(out) - start, streams)

    for case, src, target, muxer, ext in CASES:
        path, kind, src_duration, src_streams = sources[src]
        d = os.path.join(tmp, case)
        os.makedirs(d, exist_ok=True)
        line = (f"filesrc location={path} ! qtdemux name=d kvssegmentsink name=s target-duration={target} "
                f"muxer={muxer} location={d}/seg-%03d.{ext} playlist-location={d}/list.m3u8 "
                f"json-location={d}/segments.json {SOURCES[src][1]}")
        run(["gst-launch-1.0", "-q"] + shlex.split(line))
        with open(os.path.join(d, "segments.json"), encoding="utf-8") as f:
            info = json.load(f)
        check(case, len(info) >= 1, "no segments")
        total = 0.0
        for i, item in enumerate(info):
            seg = os.path.join(d, item["filename"])
            listed = float(item["duration"])
            total += listed
            check(case, os.path.getsize(seg) == item["filesize"],
                  f"{item['filename']}: size {os.path.getsize(seg)} on disk, {item['filesize']} listed")
            start, end, n = span(seg, kind)
            if i == len(info) - 1:
                end = file_end(seg)
            check(case, abs((end - start) - listed) <= TOLERANCE,
                  f"{item['filename']}: ffprobe measures {end - start:.6f} s, listed {listed:.4f}")
            if src == "av":
                a_start, a_end, _ = span(seg, "a")
                check(case, abs((a_end - a_start) - listed) < 1024 / 44100,
                      f"{item['filename']}: audio {a_end - a_start:.6f} s, listed {listed:.4f}")
            frames, _, _ = decoded_frames(seg, kind)
            check(case, frames == n, f"{item['filename']}: {frames} of {n} frames decode alone")
        check(case, abs(total - src_duration) <= TOLERANCE,
              f"durations add up to {total:.6f} s, the source lasts {src_duration:.6f} s")

        with open(os.path.join(d, "list.m3u8"), encoding="utf-8") as f:
            lines = f.read().splitlines()
        listed_files = [ln for ln in lines if ln and not ln.startswith("#")]
        check(case, listed_files == [i["filename"] for i in info], "the list names other files")
        check(case, lines[-1] == "#EXT-X-ENDLIST", "the list is not closed")
        if muxer == "mpegts":
            list_path = os.path.join(d, "list.m3u8")
            fmt = json.loads(run(["ffprobe", "-v", "error", "-show_entries", "format=format_name",
                                  "-of", "json", list_path]))
            check(case, fmt["format"]["format_name"] == "hls", f"ffprobe reads the list as {fmt['format']}")
            for k, (s_start, s_end, s_frames) in src_streams.items():
                frames, start, end = decoded_frames(list_path, k)
                check(case, frames == s_frames, f"the list plays {frames} of the source's {s_frames} {k} frames")
                check(case, abs((end - start) - (s_end - s_start)) <= TOLERANCE,
                      f"the list plays {end - start:.6f} s of the source's {s_end - s_start:.6f} s of {k}")
            run(["ffmpeg", "-v", "error", "-i", list_path, "-f", "null", "-"])
        print(f"{'ok  ' if not any(x.startswith(case + ':') for x in failures) else 'FAIL'} {case}: "
              f"{len(info)} segments, {total:.4f} s")

    if not keep:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(CASES) - len({x.split(':')[0] for x in failures})} of {len(CASES)} cases conform")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
