/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* kvssegmentsink on streams encoded at test time: what the messages, the
 * segmentsinfo sidecar, the m3u8 list and the files on disk say must
 * agree, cuts fall on key frames, and bad input gets its code. Durations
 * against ffprobe are checked by segment-conformance.py. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "kvserrors.h"
#include "kvstest.h"

static gchar *tmpdir;

static void
setup (void)
{
  tmpdir = kvs_test_dir_new ("kvssegmentsink");
}

static void
teardown (void)
{
  kvs_test_dir_remove (&tmpdir);
}

typedef KvsRun Run;

/* marks every buffer as a delta unit: a stream without key frames */
static GstPadProbeReturn
no_key_frames (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstBuffer *buf = gst_buffer_make_writable (GST_PAD_PROBE_INFO_BUFFER (info));

  GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);
  GST_PAD_PROBE_INFO_DATA (info) = buf;
  return GST_PAD_PROBE_OK;
}

/* drops the SPS and PPS NAL units of every byte-stream buffer but the
 * first: parameter sets sent once, as from RTP or some encoders */
static GstPadProbeReturn
parameter_sets_once (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  gboolean *first = user_data;
  GstBuffer *in = GST_PAD_PROBE_INFO_BUFFER (info), *out;
  GByteArray *kept = g_byte_array_new ();
  GstMapInfo map;
  gsize i, start = G_MAXSIZE;

  if (*first) {
    *first = FALSE;
    g_byte_array_unref (kept);
    return GST_PAD_PROBE_OK;
  }
  gst_buffer_map (in, &map, GST_MAP_READ);
  /* each NAL unit from its 00 00 01 start code to the next one */
  for (i = 0; i + 3 <= map.size; i++) {
    gboolean code = (i + 3 < map.size && map.data[i] == 0
        && map.data[i + 1] == 0 && map.data[i + 2] == 1);

    if (code || i + 3 == map.size) {
      gsize end = code ? i : map.size;
      guint type;

      if (start != G_MAXSIZE) {
        type = map.data[start + 3] & 0x1f;
        if (type != 7 && type != 8)
          g_byte_array_append (kept, map.data + start, end - start);
      }
      start = i;
      if (!code)
        break;
      i += 2;
    }
  }
  gst_buffer_unmap (in, &map);
  out = gst_buffer_new_wrapped (kept->data, kept->len);
  g_byte_array_free (kept, FALSE);
  gst_buffer_copy_into (out, in, GST_BUFFER_COPY_METADATA, 0, -1);
  gst_buffer_unref (in);
  GST_PAD_PROBE_INFO_DATA (info) = out;
  return GST_PAD_PROBE_OK;
}

static void
run (const gchar * desc, Run * r)
{
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstElement *tamper, *strip;
  gboolean first = TRUE;

  fail_unless (pipeline != NULL, "%s", desc);
  tamper = gst_bin_get_by_name (GST_BIN (pipeline), "tamper");
  if (tamper) {
    GstPad *pad = gst_element_get_static_pad (tamper, "src");

    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, no_key_frames, NULL,
        NULL);
    gst_object_unref (pad);
    gst_object_unref (tamper);
  }
  strip = gst_bin_get_by_name (GST_BIN (pipeline), "strip");
  if (strip) {
    GstPad *pad = gst_element_get_static_pad (strip, "src");

    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, parameter_sets_once,
        &first, NULL);
    gst_object_unref (pad);
    gst_object_unref (strip);
  }
  kvs_test_run (pipeline, desc, "kvssegmentsink", "kvssegmentsink-segment", r);
  gst_object_unref (pipeline);
}

static void
run_clear (Run * r)
{
  kvs_test_run_clear (r);
}

/* Runs @src into a kvssegmentsink with @props writing <name>-%03d.<ext>,
 * <name>.m3u8 and <name>.json in the temporary directory, and checks that
 * messages, sidecar, list and files agree. Returns the segment durations
 * in ns and their running times. */
static GArray *
run_and_check (const gchar * src, const gchar * props, const gchar * name,
    const gchar * ext, guint first_index, GArray ** starts)
{
  gchar *desc = g_strdup_printf ("%s kvssegmentsink name=s %s "
      "location=%s/%s-%%03d.%s playlist-location=%s/%s.m3u8 "
      "json-location=%s/%s.json", src, props, tmpdir, name, ext, tmpdir,
      name, tmpdir, name);
  gchar *json_path = g_strdup_printf ("%s/%s.json", tmpdir, name);
  gchar *list_path = g_strdup_printf ("%s/%s.m3u8", tmpdir, name);
  GArray *durations = g_array_new (FALSE, FALSE, sizeof (guint64));
  gchar *contents = NULL, **lines;
  JsonNode *node, *file_node;
  JsonArray *items;
  const gchar *json;
  GList *l;
  guint i, n_extinf = 0;
  gint target = 0;
  Run r;

  *starts = g_array_new (FALSE, FALSE, sizeof (guint64));
  run (desc, &r);
  fail_unless (r.error == NULL, "unexpected error in %s", desc);
  fail_unless (r.result != NULL);
  json = gst_structure_get_string (gst_message_get_structure (r.result),
      "json");
  node = json_from_string (json, NULL);
  fail_unless (node != NULL && JSON_NODE_HOLDS_ARRAY (node));
  items = json_node_get_array (node);
  fail_unless_equals_int (json_array_get_length (items),
      g_list_length (r.items));
  fail_unless_equals_string (gst_structure_get_string
      (gst_message_get_structure (r.result), "playlist"), list_path);

  /* the sidecar is the message's document, byte for byte */
  fail_unless (g_file_get_contents (json_path, &contents, NULL, NULL));
  fail_unless_equals_string (contents, json);
  g_free (contents);
  file_node = json_from_string (json, NULL);
  json_node_unref (file_node);

  for (l = r.items, i = 0; l; l = l->next, i++) {
    const GstStructure *s = gst_message_get_structure (l->data);
    JsonObject *o = json_array_get_object_element (items, i);
    gchar *want_name = g_strdup_printf ("%s-%03u.%s", name, first_index + i,
        ext);
    gchar *path = g_build_filename (tmpdir, want_name, NULL);
    gchar *dur_text;
    guint64 duration, filesize, rt;
    gint fileindex;
    GStatBuf st;

    fail_unless (gst_structure_get_int (s, "fileindex", &fileindex));
    fail_unless (gst_structure_get_uint64 (s, "duration", &duration));
    fail_unless (gst_structure_get_uint64 (s, "filesize", &filesize));
    fail_unless (gst_structure_get_uint64 (s, "running-time", &rt));
    fail_unless_equals_int (fileindex, first_index + i);
    fail_unless_equals_int (json_object_get_int_member (o, "fileindex"),
        first_index + i);
    fail_unless_equals_string (gst_structure_get_string (s, "filename"),
        want_name);
    fail_unless_equals_string (json_object_get_string_member (o, "filename"),
        want_name);
    /* the size on disk after the file was closed */
    fail_unless (g_stat (path, &st) == 0, "%s missing", path);
    fail_unless_equals_uint64 ((guint64) st.st_size, filesize);
    fail_unless_equals_uint64 (json_object_get_int_member (o, "filesize"),
        filesize);
    /* "x.xxxx" seconds, from the real duration */
    dur_text = g_strdup_printf ("%.4f", duration / 1e9);
    fail_unless_equals_string (json_object_get_string_member (o,
            "duration"), dur_text);
    g_free (dur_text);
    g_array_append_val (durations, duration);
    g_array_append_val (*starts, rt);
    g_free (path);
    g_free (want_name);
  }

  /* the list: RFC 8216 by construction */
  fail_unless (g_file_get_contents (list_path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  fail_unless_equals_string (lines[0], "#EXTM3U");
  fail_unless (strstr (contents, "\n#EXT-X-VERSION:3\n") != NULL);
  fail_unless (strstr (contents, "\n#EXT-X-PLAYLIST-TYPE:VOD\n") != NULL);
  fail_unless (g_str_has_suffix (contents, "\n#EXT-X-ENDLIST\n"));
  for (i = 0; lines[i]; i++) {
    if (g_str_has_prefix (lines[i], "#EXT-X-TARGETDURATION:"))
      target = atoi (lines[i] + 22);
    if (g_str_has_prefix (lines[i], "#EXTINF:")) {
      gdouble d = g_ascii_strtod (lines[i] + 8, NULL);
      gchar *want_name = g_strdup_printf ("%s-%03u.%s", name,
          first_index + n_extinf, ext);

      fail_unless (target > 0, "EXTINF before EXT-X-TARGETDURATION");
      fail_unless ((gint) (d + 0.5) <= target);
      fail_unless_equals_string (lines[i + 1], want_name);
      g_free (want_name);
      n_extinf++;
    }
  }
  fail_unless_equals_int (n_extinf, durations->len);
  g_strfreev (lines);
  g_free (contents);

  json_node_unref (node);
  run_clear (&r);
  g_free (json_path);
  g_free (list_path);
  g_free (desc);
  return durations;
}

static guint64
sum (GArray * a)
{
  guint64 t = 0;
  guint i;

  for (i = 0; i < a->len; i++)
    t += g_array_index (a, guint64, i);
  return t;
}

#define VIDEO(frames, gop) "videotestsrc num-buffers=" #frames " ! " \
  "video/x-raw,width=320,height=240,framerate=30/1 ! " \
  "x264enc key-int-max=" #gop " speed-preset=ultrafast ! h264parse ! "

/* key frames every 1.5 s, target 2 s: every cut on a key frame, each
 * segment as long as its frames, the sum the source's 10 s */
GST_START_TEST (test_key_frames_not_multiple_of_target)
{
  const gchar *muxers[][2] = { {"mp4", "mp4"}, {"mpegts", "ts"},
  {"matroska", "mkv"}
  };
  guint m;

  for (m = 0; m < G_N_ELEMENTS (muxers); m++) {
    gchar *props = g_strdup_printf ("target-duration=2 muxer=%s",
        muxers[m][0]);
    GArray *starts;
    GArray *d = run_and_check (VIDEO (300, 45), props, muxers[m][0],
        muxers[m][1], 0, &starts);
    guint i;

    fail_unless_equals_int (d->len, 7);
    for (i = 0; i < d->len; i++) {
      guint64 start = g_array_index (starts, guint64, i);

      fail_unless_equals_uint64 (start % (GST_SECOND * 3 / 2), 0);
      if (i + 1 < d->len)
        fail_unless_equals_uint64 (g_array_index (d, guint64, i),
            GST_SECOND * 3 / 2);
    }
    /* 300 frames of 1/30 s; buffer durations are rounded down to ns */
    fail_unless (sum (d) >= 10 * GST_SECOND - 300);
    fail_unless (sum (d) <= 10 * GST_SECOND);
    g_array_unref (d);
    g_array_unref (starts);
    g_free (props);
  }
}

GST_END_TEST;

/* a key frame every second, target 3: three seconds a segment */
GST_START_TEST (test_start_index)
{
  GArray *starts;
  GArray *d = run_and_check (VIDEO (240, 30), "target-duration=3 "
      "start-index=7", "idx", "mp4", 7, &starts);

  fail_unless_equals_int (d->len, 3);
  fail_unless_equals_uint64 (g_array_index (d, guint64, 0), 3 * GST_SECOND);
  fail_unless_equals_uint64 (g_array_index (d, guint64, 1), 3 * GST_SECOND);
  fail_unless (sum (d) >= 8 * GST_SECOND - 240);
  g_array_unref (d);
  g_array_unref (starts);
}

GST_END_TEST;

/* shorter than the target: one segment, the whole input */
GST_START_TEST (test_short_input)
{
  GArray *starts;
  GArray *d = run_and_check (VIDEO (15, 250), "", "short", "mp4", 0,
      &starts);

  fail_unless_equals_int (d->len, 1);
  fail_unless (g_array_index (d, guint64, 0) >= GST_SECOND / 2 - 15);
  fail_unless (g_array_index (d, guint64, 0) <= GST_SECOND / 2);
  g_array_unref (d);
  g_array_unref (starts);
}

GST_END_TEST;

/* audio alone: every AAC frame starts a segment */
GST_START_TEST (test_audio_only)
{
  GArray *starts;
  GArray *d = run_and_check ("audiotestsrc num-buffers=215 "
      "samplesperbuffer=1024 ! audio/x-raw,rate=44100 ! avenc_aac ! "
      "aacparse ! s.audio_0", "target-duration=2", "audio", "mp4", 0,
      &starts);
  guint i;

  fail_unless (d->len >= 3, "%u segments", d->len);
  for (i = 0; i + 1 < d->len; i++)
    fail_unless (g_array_index (d, guint64, i) <= 2 * GST_SECOND);
  /* 215 frames of 1024 samples, give or take the encoder's priming */
  fail_unless (sum (d) > 4900 * GST_MSECOND && sum (d) < 5100 * GST_MSECOND,
      "%" G_GUINT64_FORMAT, sum (d));
  g_array_unref (d);
  g_array_unref (starts);
}

GST_END_TEST;

/* audio and video together: the video's key frames cut, the sum runs to
 * the end of the longer stream */
GST_START_TEST (test_audio_video)
{
  GArray *starts;
  GArray *d = run_and_check (VIDEO (150, 30) "queue ! s.video "
      "audiotestsrc num-buffers=215 samplesperbuffer=1024 ! "
      "audio/x-raw,rate=44100 ! avenc_aac ! aacparse ! queue ! s.audio_0",
      "target-duration=2", "av", "mp4", 0, &starts);

  fail_unless_equals_int (d->len, 3);
  fail_unless_equals_uint64 (g_array_index (d, guint64, 0), 2 * GST_SECOND);
  fail_unless (sum (d) >= 5 * GST_SECOND - 150);
  fail_unless (sum (d) < 5100 * GST_MSECOND);
  g_array_unref (d);
  g_array_unref (starts);
}

GST_END_TEST;

/* key frames every 3 s, target 1 s: a segment cannot be cut shorter than
 * its GOP, and EXT-X-TARGETDURATION grows to the longest one */
GST_START_TEST (test_gop_longer_than_target)
{
  GArray *starts;
  GArray *d = run_and_check (VIDEO (150, 90), "target-duration=1", "long",
      "mp4", 0, &starts);
  gchar *list = g_build_filename (tmpdir, "long.m3u8", NULL);
  gchar *contents;

  fail_unless_equals_int (d->len, 2);
  fail_unless_equals_uint64 (g_array_index (d, guint64, 0), 3 * GST_SECOND);
  fail_unless_equals_uint64 (g_array_index (starts, guint64, 1),
      3 * GST_SECOND);
  fail_unless (g_file_get_contents (list, &contents, NULL, NULL));
  fail_unless (strstr (contents, "\n#EXT-X-TARGETDURATION:3\n") != NULL,
      "%s", contents);
  g_free (contents);
  g_free (list);
  g_array_unref (d);
  g_array_unref (starts);
}

GST_END_TEST;

static GstPadProbeReturn
count_buffers (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  (*(guint *) user_data)++;
  return GST_PAD_PROBE_OK;
}

/* the frames of one MPEG-TS file that decode on their own */
static guint
decoded_frames (const gchar * path)
{
  gchar *desc = g_strdup_printf ("filesrc location=%s ! tsdemux ! "
      "h264parse ! avdec_h264 name=dec ! fakesink", path);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstElement *dec = gst_bin_get_by_name (GST_BIN (pipeline), "dec");
  GstPad *pad = gst_element_get_static_pad (dec, "src");
  GstMessage *msg;
  guint n = 0;

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_buffers, &n, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
      30 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "%s timed out", path);
  gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pad);
  gst_object_unref (dec);
  gst_object_unref (pipeline);
  g_free (desc);
  return n;
}

/* each of the @n MPEG-TS segments <name>-%03u.ts decodes alone, all
 * @frames frames of it */
static void
check_segments_decode (const gchar * name, guint n, guint frames)
{
  guint i;

  for (i = 0; i < n; i++) {
    gchar *file = g_strdup_printf ("%s-%03u.ts", name, i);
    gchar *path = g_build_filename (tmpdir, file, NULL);

    fail_unless_equals_int (decoded_frames (path), frames);
    g_free (path);
    g_free (file);
  }
}

/* H.264 whose SPS and PPS come once, before the first frame: with
 * muxer=mpegts every segment still decodes alone, all its frames */
GST_START_TEST (test_mpegts_parameter_sets)
{
  GArray *starts;
  GArray *d = run_and_check ("videotestsrc num-buffers=90 ! "
      "video/x-raw,width=320,height=240,framerate=30/1 ! "
      "x264enc key-int-max=30 speed-preset=ultrafast ! "
      "video/x-h264,stream-format=byte-stream,alignment=au ! "
      "identity name=strip ! h264parse ! ", "target-duration=1 muxer=mpegts",
      "sets", "ts", 0, &starts);

  fail_unless_equals_int (d->len, 3);
  check_segments_decode ("sets", d->len, 30);
  g_array_unref (d);
  g_array_unref (starts);
}

GST_END_TEST;

/* H.264 in avc form (as qtdemux gives it, no parser after it): MPEG-TS
 * wants byte-stream, which the bin's parser makes */
GST_START_TEST (test_mpegts_from_avc)
{
  GArray *starts;
  GArray *d = run_and_check (VIDEO (60, 30)
      "video/x-h264,stream-format=avc ! ", "target-duration=1 muxer=mpegts",
      "avc", "ts", 0, &starts);

  fail_unless_equals_int (d->len, 2);
  check_segments_decode ("avc", d->len, 30);
  g_array_unref (d);
  g_array_unref (starts);
}

GST_END_TEST;

static void
check_error (const gchar * src, const gchar * location, gint want)
{
  /* @location may bring more properties, which win */
  gchar *desc = g_strdup_printf ("%s kvssegmentsink json-location=%s/err.json "
      "location=%s", src, tmpdir, location);
  gchar *json = g_strdup_printf ("%s/err.json", tmpdir);
  gint errnum = 0;
  Run r;

  run (desc, &r);
  fail_unless (r.error != NULL, "no error for %s", desc);
  fail_unless (r.result == NULL);
  fail_unless (kvs_error_message_parse_errnum (r.error, &errnum, NULL));
  fail_unless_equals_int (errnum, want);
  /* one error, not its echoes from the children */
  fail_unless_equals_int (r.n_errors, 1);
  /* no sidecar, not even half of one */
  fail_if (g_file_test (json, G_FILE_TEST_EXISTS));
  run_clear (&r);
  g_free (json);
  g_free (desc);
}

GST_START_TEST (test_errors)
{
  gchar *loc;

  /* a file name pattern without a number */
  loc = g_strdup_printf ("%s/segment.mp4", tmpdir);
  check_error (VIDEO (30, 30), loc, 3200);
  g_free (loc);
  /* two numbers */
  loc = g_strdup_printf ("%s/seg-%%d-%%d.mp4", tmpdir);
  check_error (VIDEO (30, 30), loc, 3200);
  g_free (loc);
  /* a directory that cannot be written, found before any file opens */
  check_error (VIDEO (30, 30), "/nonexistent/kvs/seg-%03d.mp4", 3203);
  /* ... or found when the file opens: the number in the directory */
  check_error (VIDEO (30, 30), "/nonexistent/kvs-%03d/seg.mp4", 3203);
  /* the list's and the document's directories */
  loc = g_strdup_printf ("%s/seg-%%03d.mp4 playlist-location=/nonexistent/"
      "kvs/list.m3u8", tmpdir);
  check_error (VIDEO (30, 30), loc, 3203);
  g_free (loc);
  loc = g_strdup_printf ("%s/seg-%%03d.mp4 json-location=/nonexistent/"
      "kvs/s.json", tmpdir);
  check_error (VIDEO (30, 30), loc, 3203);
  g_free (loc);
  /* a stream without key frames: nothing can start a segment */
  loc = g_strdup_printf ("%s/seg-%%03d.mp4", tmpdir);
  check_error (VIDEO (30, 30) "identity name=tamper ! ", loc, 3150);
  g_free (loc);
}

GST_END_TEST;

static Suite *
kvssegmentsink_suite (void)
{
  Suite *s = suite_create ("kvssegmentsink");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_key_frames_not_multiple_of_target);
  tcase_add_test (tc, test_start_index);
  tcase_add_test (tc, test_short_input);
  tcase_add_test (tc, test_audio_only);
  tcase_add_test (tc, test_audio_video);
  tcase_add_test (tc, test_gop_longer_than_target);
  tcase_add_test (tc, test_mpegts_parameter_sets);
  tcase_add_test (tc, test_mpegts_from_avc);
  tcase_add_test (tc, test_errors);
  return s;
}

GST_CHECK_MAIN (kvssegmentsink);
