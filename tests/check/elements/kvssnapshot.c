/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* kvssnapshot on video whose frames carry their own number: eight bars,
 * black or white, the frame number in binary, which survive H.264 and
 * JPEG. Every image is decoded and read back. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/app/app.h>
#include <gst/video/video.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvserrors.h"
#include "kvstest.h"

#define W 320
#define H 240
#define FPS 30
#define FRAMES 90               /* 3 s */
#define BARS 8

static gchar *tmpdir;

static void
setup (void)
{
  tmpdir = kvs_test_dir_new ("kvssnapshot");
}

static void
teardown (void)
{
  kvs_test_dir_remove (&tmpdir);
}

/* frame @n: the bars of its number, most significant first */
static GstBuffer *
numbered_frame (guint n)
{
  GstVideoInfo info;
  GstBuffer *buf;
  GstVideoFrame f;
  guint x, y;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, W, H);
  buf = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  gst_video_frame_map (&f, &info, buf, GST_MAP_WRITE);
  for (y = 0; y < H; y++) {
    guint8 *row = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f, 0) +
        y * GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0);

    for (x = 0; x < W; x++)
      row[x] = (n >> (BARS - 1 - x * BARS / W)) & 1 ? 235 : 16;
  }
  memset (GST_VIDEO_FRAME_PLANE_DATA (&f, 1), 128,
      GST_VIDEO_FRAME_PLANE_STRIDE (&f, 1) * H / 2);
  memset (GST_VIDEO_FRAME_PLANE_DATA (&f, 2), 128,
      GST_VIDEO_FRAME_PLANE_STRIDE (&f, 2) * H / 2);
  gst_video_frame_unmap (&f);
  GST_BUFFER_PTS (buf) = gst_util_uint64_scale_int (n, GST_SECOND, FPS);
  GST_BUFFER_DURATION (buf) = GST_SECOND / FPS;
  return buf;
}

/* Pushes the numbered frames through appsrc ! @tail; waits for its end. */
static GstMessage *
push_frames (const gchar * tail, gboolean * got_eos)
{
  gchar *desc = g_strdup_printf ("appsrc name=src format=time caps="
      "video/x-raw,format=I420,width=%d,height=%d,framerate=%d/1 ! %s", W, H,
      FPS, tail);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *m;
  guint n;

  fail_unless (pipeline != NULL, "%s", desc);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (n = 0; n < FRAMES; n++)
    gst_app_src_push_buffer (GST_APP_SRC (src), numbered_frame (n));
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  m = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (m != NULL, "timed out: %s", desc);
  *got_eos = GST_MESSAGE_TYPE (m) == GST_MESSAGE_EOS;
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (src);
  gst_object_unref (pipeline);
  g_free (desc);
  return m;
}

static gchar *
make_numbered_mp4 (void)
{
  gchar *path = g_build_filename (tmpdir, "numbered.mp4", NULL);
  gchar *tail = g_strdup_printf ("x264enc speed-preset=ultrafast "
      "key-int-max=%d bframes=0 pass=quant quantizer=18 ! h264parse ! "
      "mp4mux ! filesink location=%s", FPS, path);
  gboolean eos;
  GstMessage *m = push_frames (tail, &eos);

  fail_unless (eos);
  gst_message_unref (m);
  g_free (tail);
  return path;
}

static gint last_width, last_height;

/* The Y plane of a decoded image, with its size: a JPEG's own (its YCbCr
 * passes as it is), a PNG's converted */
static guint8 *
luma_plane (const gchar * path, gint * w, gint * h)
{
  gchar *desc = g_strdup_printf ("filesrc location=%s ! decodebin ! "
      "videoconvert ! video/x-raw,format={I420,Y42B,Y444,GRAY8} ! "
      "appsink name=sink", path);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstSample *sample;
  GstVideoInfo info;
  GstVideoFrame f;
  guint8 *plane;
  gint y;

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 20 * GST_SECOND);
  fail_unless (sample != NULL, "%s does not decode", path);
  gst_video_info_from_caps (&info, gst_sample_get_caps (sample));
  fail_unless (GST_VIDEO_INFO_IS_YUV (&info) || GST_VIDEO_INFO_IS_GRAY (&info),
      "%s decodes to %s", path,
      gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&info)));
  *w = GST_VIDEO_INFO_WIDTH (&info);
  *h = GST_VIDEO_INFO_HEIGHT (&info);
  plane = g_malloc (*w * *h);
  gst_video_frame_map (&f, &info, gst_sample_get_buffer (sample), GST_MAP_READ);
  for (y = 0; y < *h; y++)
    memcpy (plane + y * *w, (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f, 0) +
        y * GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0), *w);
  gst_video_frame_unmap (&f);
  gst_sample_unref (sample);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_free (desc);
  return plane;
}

/* the number in an image file (or in the tile at @x, @y of @w x @h); the
 * image's size in last_width, last_height */
static gint
read_number (const gchar * path, gint x, gint y, gint w, gint h)
{
  gint iw, ih, n = 0, b;
  guint8 *plane = luma_plane (path, &iw, &ih);

  last_width = iw;
  last_height = ih;
  if (w == 0) {
    w = iw;
    h = ih;
  }
  for (b = 0; b < BARS; b++) {
    gint px = x + (2 * b + 1) * w / (2 * BARS), py = y + h / 2;

    n = (n << 1) | (plane[py * iw + px] > 128);
  }
  g_free (plane);
  return n;
}

typedef KvsRun Run;

static void
run (const gchar * desc, Run * r)
{
  GstElement *pipeline = gst_parse_launch (desc, NULL);

  fail_unless (pipeline != NULL, "%s", desc);
  kvs_test_run (pipeline, desc, "kvssnapshot", "kvssnapshot-file", r);
  gst_object_unref (pipeline);
}

static void
run_clear (Run * r)
{
  kvs_test_run_clear (r);
}

static JsonObject *
result_doc (Run * r, JsonNode ** node)
{
  fail_unless (r->error == NULL, "unexpected error");
  fail_unless (r->result != NULL, "no result");
  *node = json_from_string (gst_structure_get_string
      (gst_message_get_structure (r->result), "json"), NULL);
  fail_unless (*node != NULL);
  return json_node_get_object (*node);
}

/* times: the frame displayed at each time, seeking (filesrc) or not
 * (frames pushed live), the same frames */
GST_START_TEST (test_times)
{
  gchar *mp4 = make_numbered_mp4 ();
  const gint want[] = { 15, 30, 66 };   /* 0.5 s, 1.0 s, 2.2 s at 30 fps */
  guint way;

  for (way = 0; way < 2; way++) {
    gchar *pattern = g_strdup_printf ("%s/w%u-%%02d.jpg", tmpdir, way);
    gchar *json = g_strdup_printf ("%s/w%u.json", tmpdir, way);
    gchar *props = g_strdup_printf ("kvssnapshot times=2.2,0.5,1.0 "
        "width=160 location=%s json-location=%s", pattern, json);
    gchar *desc = way == 0 ?
        g_strdup_printf ("filesrc location=%s ! qtdemux ! h264parse ! "
        "avdec_h264 ! %s", mp4, props) : NULL;
    JsonNode *node;
    JsonArray *items;
    GList *l;
    guint i;
    Run r;

    if (way == 0) {
      run (desc, &r);
    } else {
      gboolean eos;

      memset (&r, 0, sizeof (r));
      /* not seekable: the frames are pushed as they come */
      r.result = NULL;
      {
        GstMessage *m = push_frames (props, &eos);

        fail_unless (eos, "no EOS");
        gst_message_unref (m);
      }
    }

    if (way == 0) {
      items = json_object_get_array_member (result_doc (&r, &node), "items");
      fail_unless_equals_int (json_array_get_length (items), 3);
      fail_unless_equals_int (g_list_length (r.items), 3);
      for (l = r.items, i = 0; l; l = l->next, i++) {
        const GstStructure *s = gst_message_get_structure (l->data);
        JsonObject *it = json_array_get_object_element (items, i);
        guint64 size;
        GStatBuf st;

        fail_unless (gst_structure_get_uint64 (s, "filesize", &size));
        fail_unless (g_stat (gst_structure_get_string (s, "location"),
                &st) == 0);
        fail_unless_equals_uint64 (size, st.st_size);
        fail_unless_equals_int (json_object_get_int_member (it, "filesize"),
            st.st_size);
        fail_unless_equals_string (json_object_get_string_member (it,
                "path"), gst_structure_get_string (s, "location"));
      }
      fail_unless_equals_int (json_object_get_int_member
          (json_node_get_object (node), "snapshotNum"), 3);
      json_node_unref (node);
    }

    for (i = 0; i < 3; i++) {
      gchar *img = g_strdup_printf ("%s/w%u-%02u.jpg", tmpdir, way, i);

      fail_unless_equals_int (read_number (img, 0, 0, 0, 0), want[i]);
      /* width=160 keeps the 4:3 aspect ratio */
      fail_unless_equals_int (last_width, 160);
      fail_unless_equals_int (last_height, 120);
      g_free (img);
    }

    run_clear (&r);
    g_free (desc);
    g_free (props);
    g_free (json);
    g_free (pattern);
  }
  g_free (mp4);
}

GST_END_TEST;

/* The number of a frame turned by @tag: its bars read along the edge the
 * picture's left side went to */
static gint
read_turned (const guint8 * y, gint w, gint h, const gchar * tag)
{
  gint n = 0, b;

  for (b = 0; b < BARS; b++) {
    gint along = 2 * b + 1, x, yy;

    if (g_str_equal (tag, "rotate-90")) {       /* left side on top */
      x = w / 2;
      yy = along * h / (2 * BARS);
    } else if (g_str_equal (tag, "rotate-270")) {       /* at the bottom */
      x = w / 2;
      yy = h - 1 - along * h / (2 * BARS);
    } else if (g_str_equal (tag, "rotate-180") || g_str_equal (tag, "flip-rotate-0")) { /* on the right */
      x = w - 1 - along * w / (2 * BARS);
      yy = h / 2;
    } else {
      x = along * w / (2 * BARS);
      yy = h / 2;
    }
    n = (n << 1) | (y[yy * w + x] > 128);
  }
  return n;
}

/* The frame for a time is ffmpeg's: the first one at or after it (at 30
 * fps, 0.51 s is frame 16, at 0.533 s, not frame 15, shown then); a time
 * after the last frame's start has none (ffmpeg writes no image): 2337 */
GST_START_TEST (test_first_frame_at_or_after)
{
  gchar *props = g_strdup_printf ("kvssnapshot times=0,0.51,1.0,2.95 "
      "format=png location=%s/f-%%d.png json-location=%s/f.json", tmpdir,
      tmpdir);
  const gint want[] = { 0, 16, 30, 89 };
  const gchar *stamps[] = { "0.000000", "0.533333", "1.000000", "2.966667" };
  gchar *json_path = g_strdup_printf ("%s/f.json", tmpdir), *json;
  JsonNode *node;
  JsonArray *items;
  GstMessage *m;
  gboolean eos;
  guint i;

  m = push_frames (props, &eos);
  fail_unless (eos, "no EOS");
  gst_message_unref (m);
  fail_unless (g_file_get_contents (json_path, &json, NULL, NULL));
  node = json_from_string (json, NULL);
  items = json_object_get_array_member (json_node_get_object (node), "items");
  for (i = 0; i < G_N_ELEMENTS (want); i++) {
    gchar *img = g_strdup_printf ("%s/f-%u.png", tmpdir, i);

    fail_unless_equals_int (read_number (img, 0, 0, 0, 0), want[i]);
    fail_unless_equals_string (json_object_get_string_member
        (json_array_get_object_element (items, i), "timestamp"), stamps[i]);
    g_free (img);
  }
  json_node_unref (node);
  g_free (json);
  g_free (json_path);
  g_free (props);

  props = g_strdup_printf ("kvssnapshot times=2.99 location=%s/f-%%d.png",
      tmpdir);
  m = push_frames (props, &eos);
  fail_if (eos, "2.99 s, after the last frame's start, gave an image");
  {
    gint errnum = 0;

    fail_unless (kvs_error_message_parse_errnum (m, &errnum, NULL));
    fail_unless_equals_int (errnum, 2337);
  }
  gst_message_unref (m);
  g_free (props);
}

GST_END_TEST;

/* Upright by default, as the stream's orientation says; the coded
 * orientation with autorotate=false; sizes are the displayed picture's */
GST_START_TEST (test_orientation)
{
  const gchar *tags[] = { "rotate-90", "rotate-180", "rotate-270",
    "flip-rotate-0"
  };
  guint i, rotate;

  for (i = 0; i < G_N_ELEMENTS (tags); i++) {
    for (rotate = 0; rotate < 2; rotate++) {
      gchar *props = g_strdup_printf ("taginject "
          "tags=\"image-orientation=(string)%s\" ! kvssnapshot times=1.0 "
          "format=%s width=%d autorotate=%s location=%s/o-%%d.img", tags[i],
          i % 2 ? "jpeg" : "png", rotate ? 0 : 120,
          rotate ? "false" : "true", tmpdir);
      gchar *img = g_strdup_printf ("%s/o-0.img", tmpdir);
      gboolean swaps = !rotate && (i == 0 || i == 2);
      GstMessage *m;
      gboolean eos;
      guint8 *y;
      gint w, h;

      m = push_frames (props, &eos);
      fail_unless (eos, "no EOS: %s", props);
      gst_message_unref (m);
      y = luma_plane (img, &w, &h);
      if (rotate) {
        /* as coded */
        fail_unless_equals_int (w, W);
        fail_unless_equals_int (h, H);
        fail_unless_equals_int (read_turned (y, w, h, "rotate-0"), 30);
      } else {
        /* width=120 is the upright picture's: 120 x 160 when turned */
        fail_unless_equals_int (w, 120);
        fail_unless_equals_int (h, swaps ? 160 : 90);
        fail_unless_equals_int (read_turned (y, w, h, tags[i]), 30);
      }
      g_free (y);
      g_free (img);
      g_free (props);
    }
  }
}

GST_END_TEST;

/* JPEG is JFIF: full range, whatever the stream's; black bars (16 in the
 * limited-range frames) come out black, white ones (235) white */
GST_START_TEST (test_jpeg_full_range)
{
  gchar *props = g_strdup_printf ("kvssnapshot times=0.5 location=%s/r-%%d.jpg",
      tmpdir);
  gchar *img = g_strdup_printf ("%s/r-0.jpg", tmpdir);
  GstMessage *m;
  gboolean eos;
  guint8 *y;
  gint w, h, b;

  m = push_frames (props, &eos);
  fail_unless (eos);
  gst_message_unref (m);
  y = luma_plane (img, &w, &h);
  /* frame 15: 00001111 */
  for (b = 0; b < BARS; b++) {
    guint8 v = y[(h / 2) * w + (2 * b + 1) * w / (2 * BARS)];

    if (b < 4)
      fail_unless (v <= 4, "bar %d: %u, not black", b, v);
    else
      fail_unless (v >= 251, "bar %d: %u, not white", b, v);
  }
  g_free (y);
  g_free (img);
  g_free (props);
}

GST_END_TEST;

/* sprite sheets: tile placement, the sheets' size, the VTT track */
GST_START_TEST (test_sprites)
{
  gchar *mp4 = make_numbered_mp4 ();
  gchar *desc = g_strdup_printf ("filesrc location=%s ! qtdemux ! h264parse "
      "! avdec_h264 ! kvssnapshot interval=0.5 columns=2 rows=2 "
      "tile-width=96 tile-height=72 accurate=true location=%s/sheet-%%02d.png "
      "format=png vtt-location=%s/thumbs.vtt json-location=%s/s.json",
      mp4, tmpdir, tmpdir, tmpdir);
  gchar *vtt_path = g_build_filename (tmpdir, "thumbs.vtt", NULL);
  gchar *vtt, *sheet0;
  JsonNode *node;
  JsonArray *sheets;
  gchar **cues;
  guint i;
  Run r;

  run (desc, &r);
  /* 3 s at a tile every 0.5 s: 6 tiles, 2 sheets of 4 */
  sheets = json_object_get_array_member (result_doc (&r, &node),
      "thumnailsinfo");
  fail_unless_equals_int (json_object_get_int_member
      (json_node_get_object (node), "snapshotNum"), 6);
  fail_unless_equals_int (json_array_get_length (sheets), 2);
  {
    JsonArray *tiles = json_object_get_array_member (json_node_get_object
        (node), "tiles");
    JsonObject *t3 = json_array_get_object_element (tiles, 3);
    JsonObject *t4 = json_array_get_object_element (tiles, 4);

    fail_unless_equals_int (json_array_get_length (tiles), 6);
    fail_unless_equals_int (json_object_get_int_member (t3, "fileindex"), 0);
    fail_unless_equals_int (json_object_get_int_member (t3, "x"), 96);
    fail_unless_equals_int (json_object_get_int_member (t3, "y"), 72);
    fail_unless_equals_string (json_object_get_string_member (t3,
            "timestamp"), "1.500000");
    fail_unless_equals_int (json_object_get_int_member (t4, "fileindex"), 1);
    fail_unless_equals_string (json_object_get_string_member (t4,
            "timestamp"), "2.000000");
  }
  json_node_unref (node);

  /* tiles in reading order: 0.0 s, 0.5 s, 1.0 s, 1.5 s */
  sheet0 = g_strdup_printf ("%s/sheet-00.png", tmpdir);
  for (i = 0; i < 4; i++)
    fail_unless_equals_int (read_number (sheet0, (i % 2) * 96, (i / 2) * 72,
            96, 72), i * 15);
  fail_unless_equals_int (last_width, 2 * 96);
  fail_unless_equals_int (last_height, 2 * 72);

  fail_unless (g_file_get_contents (vtt_path, &vtt, NULL, NULL));
  fail_unless (g_str_has_prefix (vtt, "WEBVTT\n\n"));
  cues = g_strsplit (vtt + strlen ("WEBVTT\n\n"), "\n\n", -1);
  fail_unless_equals_string (cues[0],
      "00:00:00.000 --> 00:00:00.500\nsheet-00.png#xywh=0,0,96,72");
  fail_unless_equals_string (cues[3],
      "00:00:01.500 --> 00:00:02.000\nsheet-00.png#xywh=96,72,96,72");
  fail_unless_equals_string (cues[4],
      "00:00:02.000 --> 00:00:02.500\nsheet-01.png#xywh=0,0,96,72");
  g_strfreev (cues);

  g_free (vtt);
  g_free (sheet0);
  g_free (vtt_path);
  run_clear (&r);
  g_free (desc);
  g_free (mp4);
}

GST_END_TEST;

/* sprites by key-unit seeks: each tile is the key frame at or before its
 * time (1 s GOPs, a tile every 2 s, so every tile is sought) */
GST_START_TEST (test_sprites_key_units)
{
  gchar *mp4 = make_numbered_mp4 ();
  gchar *desc = g_strdup_printf ("filesrc location=%s ! qtdemux ! h264parse "
      "! avdec_h264 ! kvssnapshot interval=1.2 columns=3 rows=1 "
      "tile-width=96 tile-height=72 location=%s/k-%%02d.png format=png",
      mp4, tmpdir);
  gchar *sheet = g_strdup_printf ("%s/k-00.png", tmpdir);
  const gint want[] = { 0, 30, 60 };    /* 0, 1.2 s -> 1 s, 2.4 s -> 2 s */
  guint i;
  Run r;

  run (desc, &r);
  fail_unless (r.error == NULL && r.result != NULL);
  for (i = 0; i < 3; i++)
    fail_unless_equals_int (read_number (sheet, i * 96, 0, 96, 72), want[i]);
  run_clear (&r);
  g_free (sheet);
  g_free (desc);
  g_free (mp4);
}

GST_END_TEST;

/* The caps change in the middle of a sheet (4:2:0, then 4:4:4): every
 * tile goes into the sheet's own format */
GST_START_TEST (test_sprites_caps_change)
{
  gchar *desc = g_strdup_printf ("appsrc name=src format=time ! "
      "videoconvert ! capsfilter name=caps ! kvssnapshot interval=0.5 "
      "columns=3 rows=2 tile-width=96 tile-height=72 "
      "location=%s/cc-%%d.jpg", tmpdir);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  GstElement *caps = gst_bin_get_by_name (GST_BIN (pipeline), "caps");
  gchar *sheet = g_strdup_printf ("%s/cc-0.jpg", tmpdir);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstCaps *in = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING,
      "I420", "width", G_TYPE_INT, W, "height", G_TYPE_INT, H, "framerate",
      GST_TYPE_FRACTION, FPS, 1, NULL);
  GstMessage *m;
  guint n, i;

  g_object_set (src, "caps", in, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (n = 0; n < FRAMES; n++) {
    if (n == FRAMES / 2) {
      GstCaps *out = gst_caps_from_string ("video/x-raw,format=Y444");

      g_object_set (caps, "caps", out, NULL);
      gst_caps_unref (out);
    }
    gst_app_src_push_buffer (GST_APP_SRC (src), numbered_frame (n));
  }
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  m = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (m != NULL && GST_MESSAGE_TYPE (m) == GST_MESSAGE_EOS);
  gst_message_unref (m);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  /* tiles at 0, 0.5, 1.0 s (4:2:0), then 1.5, 2.0, 2.5 s (4:4:4) */
  for (i = 0; i < 6; i++)
    fail_unless_equals_int (read_number (sheet, (i % 3) * 96, (i / 3) * 72,
            96, 72), i * 15);

  gst_caps_unref (in);
  gst_object_unref (bus);
  gst_object_unref (caps);
  gst_object_unref (src);
  gst_object_unref (pipeline);
  g_free (sheet);
  g_free (desc);
}

GST_END_TEST;

static gpointer
write_fifo (gpointer data)
{
  gchar **paths = data;
  gchar *bytes;
  gsize len;
  FILE *f;

  fail_unless (g_file_get_contents (paths[0], &bytes, &len, NULL));
  f = fopen (paths[1], "wb");
  if (f != NULL) {
    fwrite (bytes, 1, len, f);
    fclose (f);
  }
  g_free (bytes);
  return NULL;
}

/* A FIFO upstream is not a file to read the timeline of: opening it
 * would wait for a writer that has gone; the stream time is used */
GST_START_TEST (test_fifo)
{
  gchar *mkv = g_build_filename (tmpdir, "numbered.mkv", NULL);
  gchar *fifo = g_build_filename (tmpdir, "fifo", NULL);
  gchar *tail = g_strdup_printf ("x264enc speed-preset=ultrafast "
      "key-int-max=%d bframes=0 ! h264parse ! matroskamux ! filesink "
      "location=%s", FPS, mkv);
  /* the queue activates filesrc in push mode at once: tried in pull mode
   * first, filesrc would open the FIFO twice */
  gchar *desc =
      g_strdup_printf ("filesrc location=%s ! queue ! matroskademux ! "
      "h264parse ! avdec_h264 ! kvssnapshot times=1.0 format=png "
      "location=%s/fifo-%%d.png", fifo, tmpdir);
  gchar *img = g_strdup_printf ("%s/fifo-0.png", tmpdir);
  gchar *paths[] = { mkv, fifo };
  GThread *writer;
  GstMessage *m;
  gboolean eos;
  Run r;

  m = push_frames (tail, &eos);
  fail_unless (eos);
  gst_message_unref (m);
  fail_unless (mkfifo (fifo, 0600) == 0);
  /* the pipeline may stop reading before the writer is done */
  signal (SIGPIPE, SIG_IGN);
  writer = g_thread_new ("fifo", write_fifo, paths);
  run (desc, &r);
  {
    /* a pipeline that failed before opening the FIFO leaves the writer
     * waiting for a reader: be one, so that it ends */
    gint fd = g_open (fifo, O_RDONLY | O_NONBLOCK, 0);

    g_thread_join (writer);
    if (fd >= 0)
      close (fd);
  }
  if (r.error != NULL) {
    GError *err = NULL;
    gchar *dbg = NULL;

    gst_message_parse_error (r.error, &err, &dbg);
    fail ("%s (%s)", err->message, GST_STR_NULL (dbg));
  }
  fail_unless (r.result != NULL);
  fail_unless_equals_int (read_number (img, 0, 0, 0, 0), 30);
  run_clear (&r);
  g_free (img);
  g_free (desc);
  g_free (tail);
  g_free (fifo);
  g_free (mkv);
}

GST_END_TEST;

static void
check_error (const gchar * props, gint want)
{
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=30 ! "
      "video/x-raw,framerate=30/1 ! kvssnapshot %s", props);
  gint errnum = 0;
  Run r;

  run (desc, &r);
  fail_unless (r.error != NULL, "no error for %s", props);
  fail_unless (r.result == NULL);
  fail_unless (kvs_error_message_parse_errnum (r.error, &errnum, NULL));
  fail_unless_equals_int (errnum, want);
  run_clear (&r);
  g_free (desc);
}

GST_START_TEST (test_errors)
{
  gchar *loc = g_strdup_printf ("location=%s/x-%%d.jpg", tmpdir);
  gchar *s;

  s = g_strdup_printf ("%s", loc);
  check_error (s, 2333);        /* no times, no interval */
  g_free (s);
  check_error ("times=0.5", 2335);      /* no location */
  s = g_strdup_printf ("times=0.5 location=%s/fixed.jpg", tmpdir);
  check_error (s, 2315);        /* not a pattern */
  g_free (s);
  s = g_strdup_printf ("times=0.5,9 %s", loc);
  check_error (s, 2337);        /* past the end (1 s) */
  g_free (s);
  s = g_strdup_printf ("times=nan %s", loc);
  check_error (s, 2315);        /* not a number of seconds */
  g_free (s);
  s = g_strdup_printf ("times=0.5 location=%s/x-%%100d.jpg", tmpdir);
  check_error (s, 2315);        /* a width past 99 */
  g_free (s);
  s = g_strdup_printf ("interval=0.0000001 %s", loc);
  check_error (s, 2315);        /* under a millisecond */
  g_free (s);
  check_error ("times=0.5 location=/nonexistent-dir/x-%d.jpg", 2324);
  g_free (loc);
}

GST_END_TEST;

/* Without its encoder (here removed from the registry), kvssnapshot says
 * which is missing, with the encoder code. Last: without a fork, the
 * registry stays so. */
GST_START_TEST (test_missing_encoder)
{
  GstRegistry *reg = gst_registry_get ();
  GstPluginFeature *f = gst_registry_lookup_feature (reg, "pngenc");
  gchar *props = g_strdup_printf ("times=0.5 format=png location=%s/x-%%d.png",
      tmpdir);
  GError *err = NULL;
  gint errnum = 0;
  gchar *desc;
  Run r;

  fail_unless (f != NULL);
  gst_registry_remove_feature (reg, f);
  gst_object_unref (f);

  desc = g_strdup_printf ("videotestsrc num-buffers=30 ! kvssnapshot %s",
      props);
  run (desc, &r);
  fail_unless (r.error != NULL);
  gst_message_parse_error (r.error, &err, NULL);
  fail_unless (g_error_matches (err, GST_CORE_ERROR,
          GST_CORE_ERROR_MISSING_PLUGIN), "%s", err->message);
  fail_unless (kvs_error_message_parse_errnum (r.error, &errnum, NULL));
  fail_unless_equals_int (errnum, 2302);
  g_error_free (err);
  run_clear (&r);
  g_free (desc);
  g_free (props);
}

GST_END_TEST;

static Suite *
kvssnapshot_suite (void)
{
  Suite *s = suite_create ("kvssnapshot");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_times);
  tcase_add_test (tc, test_first_frame_at_or_after);
  tcase_add_test (tc, test_orientation);
  tcase_add_test (tc, test_jpeg_full_range);
  tcase_add_test (tc, test_sprites);
  tcase_add_test (tc, test_sprites_key_units);
  tcase_add_test (tc, test_sprites_caps_change);
  tcase_add_test (tc, test_fifo);
  tcase_add_test (tc, test_errors);
  tcase_add_test (tc, test_missing_encoder);
  return s;
}

GST_CHECK_MAIN (kvssnapshot);
