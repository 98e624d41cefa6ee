#!/usr/bin/env python3
# The task layer through kvs-task, end to end: each preset on a clip made
# here by GStreamer's encoders, its callback received by a real HTTP server
# on 127.0.0.1 and read field by field; each public code from a bad
# request; keys that leave their bucket refused before anything runs; a
# failed task that leaves no file behind.
#
#   task-cli.py KVS-TASK
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading

KVS_TASK = sys.argv[1]
failures = 0
checks = 0


def check(cond, what):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print(f"FAIL: {what}")


class Receiver(http.server.BaseHTTPRequestHandler):
    bodies = []

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        Receiver.bodies.append({
            "path": self.path,
            "key": self.headers.get("Idempotency-Key"),
            "type": self.headers.get("Content-Type"),
            "body": json.loads(body),
        })
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()
CB = f"http://127.0.0.1:{server.server_address[1]}/cb"

root = tempfile.mkdtemp(prefix="kvs-task-")
for b in ("src", "out", "elsewhere"):
    os.mkdir(os.path.join(root, b))
clip = os.path.join(root, "src", "clip.mp4")
subprocess.run([
    "gst-launch-1.0", "-q", "videotestsrc", "num-buffers=90", "!",
    "video/x-raw,format=I420,width=320,height=240,framerate=30/1", "!",
    "x264enc", "key-int-max=15", "!", "h264parse", "!", "mp4mux", "name=m",
    "!", "filesink", f"location={clip}", "audiotestsrc", "num-buffers=130",
    "!", "audioconvert", "!", "avenc_aac", "!", "aacparse", "!", "m."
], check=True)
with open(os.path.join(root, "elsewhere", "secret.mp4"), "wb") as f:
    f.write(open(clip, "rb").read())
os.symlink(os.path.join(root, "elsewhere"), os.path.join(root, "src", "link"))
os.symlink(os.path.join(root, "elsewhere"), os.path.join(root, "out", "link"))
with open(os.path.join(root, "out", "afile"), "w") as f:
    f.write("x")


def run(request, *extra):
    body = request if isinstance(request, (str, bytes)) else json.dumps(request)
    if isinstance(body, str):
        body = body.encode()
    p = subprocess.run([KVS_TASK, "--root", root, *extra, "-"], input=body,
                       capture_output=True, timeout=120)
    lines = p.stdout.decode().splitlines()
    return p.returncode, [json.loads(l) for l in lines], p.stderr.decode()


def files_under(bucket):
    out = []
    for d, _, names in os.walk(os.path.join(root, bucket)):
        out += [os.path.relpath(os.path.join(d, n), os.path.join(root, bucket))
                for n in names]
    return sorted(out)


def base(preset, key, **kw):
    r = {"Preset": preset, "SrcInfo": [{"path": "/src/clip.mp4"}],
         "DstBucket": "out", "DstObjectKey": key, "CbUrl": CB}
    r.update(kw)
    return r


def run_ok(name, request, want_type, want_dstpath):
    Receiver.bodies.clear()
    rc, out, err = run(request)
    check(rc == 0, f"{name}: exit {rc} ({err.strip()})")
    if len(out) != 2:
        check(False, f"{name}: {len(out)} lines on stdout")
        return None
    resp, cb = out
    check(list(resp.keys()) == ["TaskID", "ErrNum", "ErrMsg"],
          f"{name}: response keys {list(resp.keys())}")
    check(resp["ErrNum"] == 0 and resp["ErrMsg"] == "success",
          f"{name}: response {resp}")
    tid = resp["TaskID"]
    check(len(tid) == 40 and all(c in "0123456789abcdef" for c in tid[:32]),
          f"{name}: TaskID {tid}")
    check(len(Receiver.bodies) == 1, f"{name}: {len(Receiver.bodies)} POSTs")
    if Receiver.bodies:
        got = Receiver.bodies[0]
        check(got["body"] == cb, f"{name}: the POSTed body is the printed one")
        check(got["path"] == "/cb", f"{name}: POST path")
        check(got["type"] == "application/json", f"{name}: content type")
    check(list(cb.keys()) == ["TaskID", "Status", "Type", "Details"],
          f"{name}: callback keys {list(cb.keys())}")
    check(cb["TaskID"] == tid, f"{name}: callback TaskID")
    check(cb["Status"] == 3, f"{name}: Status {cb['Status']}")
    check(cb["Type"] == want_type, f"{name}: Type {cb['Type']}")
    d = cb["Details"]
    check(d["errnum"] == 0 and d["errmsg"] == "Success", f"{name}: {d}")
    check(d["bucket"] == request.get("DstBucket", ""),
          f"{name}: bucket {d['bucket']}")
    check(len(d["items"]) == 1 and d["items"][0]["dstpath"] == want_dstpath,
          f"{name}: items {d['items']}")
    check(not [f for f in os.listdir(os.path.join(root, "out"))
               if f.startswith(".kvs-staging")],
          f"{name}: a staging directory was left")
    return d


# --- every preset, end to end -------------------------------------------

d = run_ok("wave", base("wave", "w/clip.json", points=100), "wave",
           "w/clip.json")
wave = json.load(open(os.path.join(root, "out", "w", "clip.json")))
check(isinstance(wave, dict), "wave: the document parses")

d = run_ok("avinfo", {"Preset": "avinfo", "SrcInfo": [{"path":
           "/src/clip.mp4"}], "CbUrl": CB}, "avinfo", "")
if d:
    meta = json.loads(d["items"][0]["metainfo"])
    check([s["codec_name"] for s in meta["streams"]] == ["h264", "aac"],
          f"avinfo: streams {[s['codec_name'] for s in meta['streams']]}")
    check(meta["format"]["format_name"] == "mov,mp4,m4a,3gp,3g2,mj2",
          "avinfo: format_name")
    probe = subprocess.run(["ffprobe", "-v", "quiet", "-of", "json",
                            "-show_format", clip], capture_output=True)
    if probe.returncode == 0:
        want = json.loads(probe.stdout)["format"]["duration"]
        check(meta["format"]["duration"] == want,
              f"avinfo: duration {meta['format']['duration']} vs {want}")

d = run_ok("avsnapshot", base("avsnapshot", "snap/c-%03d.jpg",
           times=[0.5, 1.5]), "avsnapshot", "snap/c-%03d.jpg")
if d:
    check(d["snapshotNum"] == 2, f"avsnapshot: snapshotNum {d['snapshotNum']}")
check(files_under("out").count("snap/c-000.jpg") == 1 and
      "snap/c-001.jpg" in files_under("out"), "avsnapshot: the files")

d = run_ok("avsample", base("avsample", "sample/c-%02d.jpg", interval=1),
           "avsample", "sample/c-%02d.jpg")
if d:
    check(d["snapshotNum"] == 3, f"avsample: snapshotNum {d['snapshotNum']}")

d = run_ok("sprites", base("sprites", "sprite/s-%03d.jpg", interval=0.5,
           columns=2, rows=2, DstVttObjectKey="sprite/s.vtt"), "avsample",
           "sprite/s-%03d.jpg")
if d:
    sheets = json.loads(d["items"][0]["thumnailsinfo"])
    check([s["thumbnailpath"] for s in sheets] ==
          ["sprite/s-000.jpg", "sprite/s-001.jpg"],
          f"sprites: thumbnailpath {sheets}")
    for s in sheets:
        size = os.path.getsize(os.path.join(root, "out", s["thumbnailpath"]))
        check(s["filesize"] == size, f"sprites: filesize of {s}")
    check(os.path.exists(os.path.join(root, "out", "sprite", "s.vtt")),
          "sprites: the VTT track")

d = run_ok("segments", base("segments", "hls/list.m3u8", target_duration=1,
           segmentlisttype="m3u8"), "avtrans", "hls/list.m3u8")
if d:
    item = d["items"][0]
    check(item["segmentlisttype"] == "m3u8", "segments: segmentlisttype")
    segs = json.loads(item["segmentsinfo"])
    check(len(segs) == 3, f"segments: {len(segs)} segments")
    for s in segs:
        p = os.path.join(root, "out", "hls", s["filename"])
        check(os.path.exists(p) and os.path.getsize(p) == s["filesize"],
              f"segments: {s}")
    m3u8 = open(os.path.join(root, "out", "hls", "list.m3u8")).read()
    check("#EXT-X-ENDLIST" in m3u8, "segments: the list is closed")

for container, fmt in (("mp4", "mp4"), ("flv", "flv"), ("ts", "mpegts")):
    key = f"trans/clip.{container}"
    d = run_ok(f"avtrans {container}", base("avtrans", key, width=160,
               framerate=15, video_bitrate=300, audio_bitrate=64000),
               "avtrans", key)
    if not d:
        continue
    info = json.loads(d["items"][0]["outMediainfo"])
    path = os.path.join(root, "out", key)
    check(info["format"]["format_name"] == fmt,
          f"avtrans {container}: format_name {info['format']['format_name']}")
    check(info["format"]["size"] == os.path.getsize(path),
          f"avtrans {container}: size")
    v = [x for x in info["streams"] if x["codec_type"] == "video"]
    check(len(v) == 1 and v[0]["codec_name"] == "h264" and
          (v[0]["width"], v[0]["height"]) == (160, 120) and
          v[0]["r_frame_rate"] == "15/1", f"avtrans {container}: video {v}")
    a = [x for x in info["streams"] if x["codec_type"] == "audio"]
    check(len(a) == 1 and a[0]["codec_name"] == "aac",
          f"avtrans {container}: audio {a}")
    probe = subprocess.run(["ffprobe", "-v", "quiet", "-of", "json",
                            "-show_streams", path], capture_output=True)
    if probe.returncode == 0:
        got = sorted((x["codec_name"], x.get("width", 0))
                     for x in json.loads(probe.stdout)["streams"])
        check(got == [("aac", 0), ("h264", 160)],
              f"avtrans {container}: ffprobe reads {got}")

# an audio-only source: the output has the audio branch only
wav = os.path.join(root, "src", "tone.wav")
subprocess.run(["gst-launch-1.0", "-q", "audiotestsrc", "num-buffers=40", "!",
                "audioconvert", "!", "wavenc", "!", "filesink",
                f"location={wav}"], check=True)
d = run_ok("avtrans audio only", base("avtrans", "trans/tone.mp4",
           SrcInfo=[{"path": "/src/tone.wav"}]), "avtrans", "trans/tone.mp4")
if d:
    info = json.loads(d["items"][0]["outMediainfo"])
    check([x["codec_name"] for x in info["streams"]] == ["aac"],
          f"avtrans audio only: streams {info['streams']}")

# --- the reference's own request, without CbUrl ---------------------------
rc, out, err = run({"Preset": "wave", "SrcInfo": {"path": "/src/clip.mp4"},
                    "DstBucket": "out", "DstObjectKey": "ref/mykey.json",
                    "DstAcl": "public-read", "points": 1000})
check(rc == 0 and len(out) == 2 and out[1]["Status"] == 3,
      f"reference request: exit {rc}")

# --- a source key may hold any character a file name can, '%' too ----------
with open(os.path.join(root, "src", "50% off.mp4"), "wb") as f:
    f.write(open(clip, "rb").read())
rc, out, err = run({"Preset": "avinfo", "SrcInfo": [{"path":
                    "/src/50% off.mp4"}]})
check(rc == 0 and len(out) == 2 and out[1]["Status"] == 3,
      f"source key with '%': exit {rc} {err.strip()}")

# --- refusals, each with its code, nothing run ----------------------------
before = files_under("out")
bad = [
    (1000, {"SrcInfo": [{"path": "/src/clip.mp4"}], "DstBucket": "out",
            "DstObjectKey": "a.json", "points": 100}),
    (1000, base("wave", "a.json")),
    (1000, {"Preset": "wave", "DstBucket": "out", "DstObjectKey": "a.json",
            "points": 100}),
    (1000, {"Preset": "wave", "SrcInfo": [{"path": "/src/clip.mp4"}],
            "DstObjectKey": "a.json", "points": 100}),
    (1000, base("avsnapshot", "s-%d.jpg")),
    (1001, base("wave", "a.json", points=10)),
    (1001, base("wave", "a.json", points=4096)),
    (1001, base("wave", "a.json", points="100")),
    (1001, base("wave", "a.json", points=100, DstAcl="world")),
    (1001, base("wave", "a.json", points=100, CbUrl="ftp://x/")),
    (1001, base("wave", "a.json", points=100, Preset=5)),
    (1005, base("Wave", "a.json", points=100)),
    (1005, base("transcode", "a.json", points=100)),
    (1010, "{not json"),
    (1010, "[1,2]"),
    (1010, b"{\"Preset\":\"wave\xff\"}"),
    (1010, "{\"Preset\":\"" + "x" * (1024 * 1024) + "\"}"),
    (1011, base("wave", "a.json", points=100, DstBucket="No_Such")),
    (1011, base("wave", "a.json", points=100, DstBucket="nobucket")),
    (1011, base("wave", "a.json", points=100,
                SrcInfo=[{"path": "/nobucket/clip.mp4"}])),
    (1014, base("wave", "../escape.json", points=100)),
    (1014, base("wave", "/abs.json", points=100)),
    (1014, base("wave", "a/../../b.json", points=100)),
    (1014, base("wave", "ctl\u0001.json", points=100)),
    (1014, base("wave", "link/through.json", points=100)),
    (1014, base("wave", "a.json", points=100,
                SrcInfo=[{"path": "/src/../elsewhere/secret.mp4"}])),
    (1014, base("wave", "a.json", points=100,
                SrcInfo=[{"path": "/src/link/secret.mp4"}])),
    (1014, base("avsnapshot", "no-pattern.jpg", times=[1])),
    (1014, base("avsnapshot", "two-%d-%d.jpg", times=[1])),
    (1014, base("wave", "100%.json", points=100)),
    (1014, base("wave", ".kvs-staging-x/a.json", points=100)),
    (1016, base("wave", "a.json", points=100, SrcInfo="clip.mp4")),
    (1016, base("wave", "a.json", points=100, SrcInfo=[])),
    (1016, base("wave", "a.json", points=100, SrcInfo=[{"path": "clip.mp4"}])),
    (1017, base("wave", "a.json", points=100,
                SrcInfo=[{"path": "/src/clip.mp4"}, {"path": "/src/b.mp4"}])),
    (1018, base("avsnapshot", "s-%d.jpg", times=["1"])),
    (1018, base("avsample", "s-%d.jpg", interval=-1)),
    (1018, base("sprites", "s-%d.jpg", interval=1, columns=0, rows=2)),
    (1018, base("segments", "l.m3u8", segmentlisttype="dash")),
    (1018, base("avtrans", "t.mp4", width=161)),
    (1018, base("avtrans", "t.avi", format="avi")),
    (1018, base("avtrans", "t.mp4", video_bitrate=10)),
    (1020, base("wave", "afile/a.json", points=100)),
    (1210, base("wave", "a.json", points=100,
                SrcInfo=[{"path": "/src/none.mp4"}])),
    (1213, base("wave", "a.json", points=100,
                SrcInfo=[{"path": "/src/" + "k" * 1100}])),
]
Receiver.bodies.clear()
for code, request in bad:
    rc, out, err = run(request)
    what = json.dumps(request)[:90] if not isinstance(request, (str, bytes)) \
        else repr(request[:40])
    check(rc == 2, f"{code}: exit {rc} for {what}")
    check(len(out) == 1 and out[0].get("ErrNum") == code,
          f"{code}: answered {out} for {what}")
    if len(out) == 1:
        check("TaskID" not in out[0], f"{code}: a refusal has no TaskID")
        check(out[0].get("ErrMsg") not in (None, "", "success"),
              f"{code}: ErrMsg {out[0].get('ErrMsg')}")
check(Receiver.bodies == [], "refusals: no callback")
check(files_under("out") == before, "refusals: no file written")
check(sorted(os.listdir(os.path.join(root, "elsewhere"))) == ["secret.mp4"],
      "refusals: nothing written outside the buckets")

# --- a task that fails: its code, no partial files ------------------------
with open(os.path.join(root, "src", "junk.mp4"), "wb") as f:
    f.write(os.urandom(4096))
Receiver.bodies.clear()
before = files_under("out")
rc, out, err = run(base("segments", "bad/list.m3u8",
                        SrcInfo=[{"path": "/src/junk.mp4"}]))
check(rc == 1, f"failed task: exit {rc}")
check(len(out) == 2 and out[1]["Status"] == 4 and
      out[1]["Details"]["errnum"] != 0 and out[1]["Details"]["items"] == [],
      f"failed task: callback {out[1:] }")
check(len(Receiver.bodies) == 1 and Receiver.bodies[0]["body"]["Status"] == 4,
      "failed task: one failure callback")
check(files_under("out") == before, "failed task: no file left behind")
check(not os.path.exists(os.path.join(root, "out", "bad")),
      "failed task: no directory left behind")

# avtrans of data no demuxer reads: the documented code, nothing left
Receiver.bodies.clear()
rc, out, err = run(base("avtrans", "bad/junk.mp4",
                        SrcInfo=[{"path": "/src/junk.mp4"}]))
check(rc == 1 and len(out) == 2 and out[1]["Status"] == 4 and
      out[1]["Type"] == "avtrans" and out[1]["Details"]["errnum"] == 3150,
      f"avtrans of junk: exit {rc} {out[1:]}")
check(len(Receiver.bodies) == 1, "avtrans of junk: one callback")
check(not os.path.exists(os.path.join(root, "out", "bad")),
      "avtrans of junk: no directory left behind")

# --- the callback receiver is down: exit 3, the body still printed --------
port = server.server_address[1]
dead = f"http://127.0.0.1:{port + 1 if port < 65535 else port - 1}/cb"
rc, out, err = run(base("wave", "w/dead.json", points=50, CbUrl=dead))
check(rc == 3 and len(out) == 2 and out[1]["Status"] == 3,
      f"undelivered callback: exit {rc}")

server.shutdown()
print(f"task/kvs-task: {checks - failures}/{checks} checks passed")
sys.exit(1 if failures else 0)
