#!/usr/bin/env python3
"""Runs gst-launch-1.0 pipelines many times in a row: none may hang.

Applications, gst-launch-1.0 among them, can miss the end of a pipeline
whose sink ends it while the pipeline is still being brought up; an element
that gets this wrong hangs some runs. Each pipeline below runs RUNS times,
each under a time limit; a run that does not end in time, or ends with
another exit status than expected, fails the test.

  launch-stress.py [RUNS]

Pipelines ending in a sink bin (kvssegmentsink) run at least SINK_RUNS
times: stock bins hang about 1 run in 10 here. Pipelines in a kvstask post
to a receiver started here: every run must have posted its callback before
gst-launch-1.0 exits.
"""
import os
import subprocess
import sys
import tempfile

from kvsreceiver import Receiver

LIMIT = 20
SINK_RUNS = 50


def make_inputs(tmp):
    mp4 = os.path.join(tmp, "in.mp4")
    subprocess.run(["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=30", "!",
                    "video/x-raw,format=I420,width=160,height=120", "!", "x264enc", "speed-preset=ultrafast",
                    "!", "h264parse", "!", "mp4mux", "!", "filesink", f"location={mp4}"], check=True, timeout=60)
    av = os.path.join(tmp, "av.mp4")
    subprocess.run(["gst-launch-1.0", "-q", "-e", "videotestsrc", "num-buffers=30", "!",
                    "video/x-raw,format=I420,width=160,height=120", "!", "x264enc", "speed-preset=ultrafast",
                    "key-int-max=10", "!", "h264parse", "!", "mp4mux", "name=m", "!", "filesink", f"location={av}",
                    "audiotestsrc", "num-buffers=44", "!", "avenc_aac", "!", "aacparse", "!", "m."],
                   check=True, timeout=60)
    noise = os.path.join(tmp, "noise.bin")
    with open(noise, "wb") as f:
        f.write(os.urandom(20000))
    return mp4, av, noise


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    with Receiver() as rx, tempfile.TemporaryDirectory(prefix="kvs-stress-") as tmp:
        mp4, av, noise = make_inputs(tmp)
        task = f"kvstask. ( callback-url={rx.url}cb"
        out = os.path.join(tmp, "out.json")
        # (pipeline, expected exit status: 0 success, 1 error, 255 refused
        # to start; optional least number of runs)
        cases = [
            (f"filesrc location={mp4} ! kvsprobe json-location={out}", 0),
            (f"filesrc location={mp4} ! queue ! kvsprobe json-location={out}", 0),
            (f"filesrc location={noise} ! kvsprobe", 1),
            (f"filesrc location={noise} ! queue ! kvsprobe", 1),
            (f"filesrc location={mp4} ! qtdemux ! h264parse ! avdec_h264 ! kvssnapshot times=0.2,0.8 "
             f"location={tmp}/s-%d.jpg", 0),
            (f"filesrc location={mp4} ! qtdemux ! h264parse ! avdec_h264 ! kvssnapshot times=9 "
             f"location={tmp}/s-%d.jpg", 1),
            (f"filesrc location={mp4} ! decodebin name=d d. ! video/x-raw ! queue ! kvssnapshot times=0.1,0.9 "
             f"location={tmp}/t-%d.jpg", 0),
            (f"videotestsrc num-buffers=30 ! x264enc speed-preset=ultrafast ! h264parse ! "
             f"kvssegmentsink target-duration=1 location={tmp}/g-%03d.mp4 "
             f"playlist-location={tmp}/g.m3u8 json-location={tmp}/g.json", 0, SINK_RUNS),
            (f"filesrc location={mp4} ! qtdemux ! h264parse config-interval=-1 ! "
             f"kvssegmentsink muxer=mpegts location={tmp}/h-%03d.ts", 0, SINK_RUNS),
            (f"filesrc location={av} ! qtdemux name=d d.video_0 ! queue ! "
             f"kvssegmentsink name=s muxer=mpegts location={tmp}/l-%03d.ts d.audio_0 ! queue ! s.audio_0",
             0, SINK_RUNS),
            (f"filesrc location={mp4} ! qtdemux ! h264parse ! kvssegmentsink location={tmp}/none.mp4", 255),
            (f"{task} filesrc location={mp4} ! kvsprobe )", 0),
            (f"{task} filesrc location={noise} ! queue ! kvsprobe )", 1),
            (f"{task} filesrc location={tmp}/missing.mp4 ! kvsprobe )", 255),
            (f"{task} filesrc location={mp4} ! qtdemux ! h264parse ! kvssegmentsink target-duration=1 "
             f"location={tmp}/k-%03d.mp4 )", 0, SINK_RUNS),
        ]
        failed = 0
        for case in cases:
            line, want = case[0], case[1]
            n = max(runs, case[2]) if len(case) > 2 else runs
            bad = 0
            for _ in range(n):
                posts = len(rx.bodies)
                try:
                    p = subprocess.run(["gst-launch-1.0", "-q"] + line.split(), capture_output=True, timeout=LIMIT)
                    if p.returncode != want:
                        bad += 1
                    elif line.startswith("kvstask.") and len(rx.bodies) != posts + 1:
                        bad += 1
                except subprocess.TimeoutExpired:
                    bad += 1
            print(f"{'ok  ' if bad == 0 else 'FAIL'} {n - bad}/{n}: {line}")
            failed += bad > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
