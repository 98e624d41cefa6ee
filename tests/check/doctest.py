#!/usr/bin/env python3
"""Runs the gst-launch-1.0 lines of the docs as they are written.

Every line starting with `gst-launch-1.0` in a fenced block of docs/*.md,
and every such line in an element's doc comment, is a launch line. Each runs in a fresh temporary directory that holds the input
files the docs name (in.wav, in.mp3, in.mp4, made here with GStreamer's own
encoders), under a time limit. A line must exit 0 and write every file it
names with json-location=, location= or similar; a JSON sidecar must parse.
A line that names the callback receiver http://127.0.0.1:8080/ posts to one
started here instead, and must have posted a JSON body.
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

from kvsreceiver import Receiver

TIMEOUT = 120

INPUTS = {
    "in.wav": "audiotestsrc num-buffers=100 ! audio/x-raw,channels=2 ! wavenc ! filesink location=in.wav",
    "in.mp3": "audiotestsrc num-buffers=100 ! audio/x-raw,channels=2 ! lamemp3enc ! xingmux ! filesink location=in.mp3",
    "in.mp4": "videotestsrc num-buffers=60 ! video/x-raw,format=I420,width=320,height=240,framerate=30/1 ! x264enc ! h264parse ! "
              "mp4mux name=m ! filesink location=in.mp4 audiotestsrc num-buffers=87 ! audio/x-raw,channels=2 ! avenc_aac ! aacparse ! m.",
}


def launch_lines(root):
    """Launch lines of docs/*.md (in fenced blocks) and of the elements' doc
    comments (` * gst-launch-1.0 …` inside `|[ … ]|`)."""
    docs = os.path.join(root, "docs")
    for name in sorted(os.listdir(docs)):
        if not name.endswith(".md"):
            continue
        in_block = False
        with open(os.path.join(docs, name), encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.startswith("```"):
                    in_block = not in_block
                    continue
                if in_block and line.startswith("gst-launch-1.0 "):
                    yield f"docs/{name}", n, line.strip()
    for top in ("gst", "ext"):
        for dirpath, _, files in sorted(os.walk(os.path.join(root, top))):
            for name in sorted(files):
                if not name.endswith(".c"):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    for n, line in enumerate(f, 1):
                        if line.startswith(" * gst-launch-1.0 "):
                            yield os.path.relpath(path, root), n, line[3:].strip()


def outputs(line):
    for m in re.finditer(r"\b(json-location|vtt-location|playlist-location|callback-location|location)=(\S+)", line):
        if m.group(1) == "location" and "filesrc" in line[: m.start()].rsplit("!", 1)[-1]:
            continue
        yield m.group(2)


RECEIVER = "http://127.0.0.1:8080/"


def main():
    root = sys.argv[1]
    lines = list(launch_lines(root))
    if not lines:
        print("no launch lines found in", root)
        return 1
    failed = 0
    with Receiver() as rx, tempfile.TemporaryDirectory(prefix="kvs-doctest-") as tmp:
        for name, cmd in INPUTS.items():
            subprocess.run(["gst-launch-1.0", "-q"] + shlex.split(cmd), cwd=tmp, check=True,
                           timeout=TIMEOUT, stdout=subprocess.DEVNULL)
        for doc, n, line in lines:
            run_dir = tempfile.mkdtemp(dir=tmp)
            for name in INPUTS:
                os.symlink(os.path.join(tmp, name), os.path.join(run_dir, name))
            argv = shlex.split(line)
            # gst-launch lines that play to a device run against fakesink here
            argv = [a if a not in ("autoaudiosink", "autovideosink") else "fakesink" for a in argv]
            argv = [a.replace(RECEIVER, rx.url) for a in argv]
            posts = len(rx.bodies)
            try:
                p = subprocess.run(argv, cwd=run_dir, timeout=TIMEOUT, capture_output=True, text=True)
                ok = p.returncode == 0 and "ERROR" not in p.stderr
                why = p.stderr.strip().splitlines()[-3:] if not ok else []
            except subprocess.TimeoutExpired:
                ok, why = False, ["timed out"]
            if ok and RECEIVER in line:
                try:
                    json.loads(rx.bodies[posts])
                except (IndexError, ValueError) as e:
                    ok, why = False, [f"no JSON callback received: {e}"]
            if ok:
                for out in outputs(line):
                    if "%" in out:      # a pattern: its first file
                        out = out % 0
                    path = os.path.join(run_dir, out)
                    if not os.path.exists(path):
                        ok, why = False, [f"{out} was not written"]
                    elif out.endswith(".json"):
                        try:
                            with open(path, encoding="utf-8") as f:
                                json.load(f)
                        except ValueError as e:
                            ok, why = False, [f"{out}: {e}"]
            print(f"{'ok  ' if ok else 'FAIL'} {doc}:{n}: {line}")
            for w in why:
                print("     ", w)
            failed += not ok
    print(f"{len(lines) - failed} launch lines passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
