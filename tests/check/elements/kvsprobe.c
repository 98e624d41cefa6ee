/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* kvsprobe as an element: its three ways of running give the same document,
 * the pull mode reads the index only, outMediainfo describes what passed,
 * and every bad input gets its documented code. Field-by-field agreement
 * with ffprobe is probe-conformance.py's. */

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
  tmpdir = kvs_test_dir_new ("kvsprobe");
}

static void
teardown (void)
{
  kvs_test_dir_remove (&tmpdir);
}

typedef struct
{
  GstMessage *result;
  GstMessage *error;
  guint64 pulled;               /* bytes filesrc gave in pull mode */
} Run;

static GstPadProbeReturn
count_pulled (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Run *r = user_data;

  if (GST_PAD_PROBE_INFO_BUFFER (info))
    r->pulled += gst_buffer_get_size (GST_PAD_PROBE_INFO_BUFFER (info));
  return GST_PAD_PROBE_OK;
}

/* Runs @desc to its end; collects the kvsprobe message or the error. */
static void
run (const gchar * desc, Run * r)
{
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);
  GstElement *src;
  GstBus *bus;

  fail_unless (pipeline != NULL, "%s: %s", desc, err ? err->message : "");
  if (!GST_IS_PIPELINE (pipeline)) {
    /* a lone bin: in a pipeline, as gst-launch-1.0 runs it */
    GstElement *p = gst_pipeline_new (NULL);

    gst_bin_add (GST_BIN (p), pipeline);
    pipeline = p;
  }
  memset (r, 0, sizeof (*r));
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  if (src != NULL) {
    GstPad *pad = gst_element_get_static_pad (src, "src");

    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_PULL |
        GST_PAD_PROBE_TYPE_BUFFER, count_pulled, r, NULL);
    gst_object_unref (pad);
    gst_object_unref (src);
  }

  bus = gst_element_get_bus (pipeline);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  while (TRUE) {
    GstMessage *m = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT);

    fail_unless (m != NULL, "timed out: %s", desc);
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT &&
        gst_message_has_name (m, "kvsprobe")) {
      fail_unless (r->result == NULL, "two results");
      r->result = m;
      continue;
    }
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR) {
      r->error = m;
      break;
    }
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_EOS) {
      gst_message_unref (m);
      break;
    }
    gst_message_unref (m);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

static void
run_clear (Run * r)
{
  gst_clear_message (&r->result);
  gst_clear_message (&r->error);
}

static gchar *
make_mp4 (const gchar * name, const gchar * mux_props, guint frames)
{
  gchar *path = g_build_filename (tmpdir, name, NULL);
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=%u ! "
      "video/x-raw,format=I420,width=320,height=240,framerate=30/1 ! "
      "x264enc speed-preset=ultrafast ! h264parse ! mp4mux %s name=m ! "
      "filesink location=%s audiotestsrc num-buffers=%u ! "
      "audio/x-raw,rate=44100,channels=2 ! avenc_aac ! aacparse ! m.",
      frames, mux_props, path, frames * 44100 / 30 / 1024);
  Run r;

  run (desc, &r);
  fail_unless (r.error == NULL);
  run_clear (&r);
  g_free (desc);
  return path;
}

static const gchar *
result_json (Run * r)
{
  fail_unless (r->error == NULL, "unexpected error");
  fail_unless (r->result != NULL, "no result");
  return gst_structure_get_string (gst_message_get_structure (r->result),
      "json");
}

GST_START_TEST (test_three_ways_one_document)
{
  gchar *mp4 = make_mp4 ("a.mp4", "", 150);
  gchar *sidecar = g_build_filename (tmpdir, "meta.json", NULL);
  gchar *desc, *contents;
  const GstStructure *s;
  guint64 size, file_size;
  GstClockTime duration;
  gint n;
  GStatBuf st;
  Run pull, push, inline_run;

  fail_unless (g_stat (mp4, &st) == 0);
  file_size = st.st_size;

  /* the last element, after filesrc: pull mode, the index only */
  desc = g_strdup_printf ("filesrc name=src location=%s ! kvsprobe "
      "json-location=%s", mp4, sidecar);
  run (desc, &pull);
  g_free (desc);
  fail_unless (g_file_get_contents (sidecar, &contents, NULL, NULL));
  fail_unless_equals_string (contents, result_json (&pull));
  fail_unless (pull.pulled > 0);
  fail_unless (pull.pulled < file_size / 4, "pulled %" G_GUINT64_FORMAT
      " of %" G_GUINT64_FORMAT " bytes", pull.pulled, file_size);

  s = gst_message_get_structure (pull.result);
  fail_unless_equals_string (gst_structure_get_string (s, "format"),
      "metainfo");
  fail_unless (gst_structure_get_int (s, "nb-streams", &n));
  fail_unless_equals_int (n, 2);
  fail_unless (gst_structure_get_uint64 (s, "size", &size));
  fail_unless_equals_uint64 (size, file_size);
  fail_unless (gst_structure_get_clock_time (s, "duration", &duration));
  fail_unless (duration > 4900 * GST_MSECOND && duration < 5100 * GST_MSECOND);

  /* the last element behind a queue: push mode, every byte */
  desc = g_strdup_printf ("filesrc location=%s ! queue ! kvsprobe", mp4);
  run (desc, &push);
  g_free (desc);
  fail_unless_equals_string (result_json (&push), contents);

  /* inline: the bytes pass through unchanged */
  desc = g_strdup_printf ("filesrc location=%s ! kvsprobe ! fakesink", mp4);
  run (desc, &inline_run);
  g_free (desc);
  fail_unless_equals_string (result_json (&inline_run), contents);

  /* inline before a demuxer that seeks to the movie box at the end and
   * back: the bytes are placed where its byte segments say */
  run_clear (&inline_run);
  desc = g_strdup_printf ("filesrc location=%s ! kvsprobe ! qtdemux ! "
      "fakesink", mp4);
  run (desc, &inline_run);
  g_free (desc);
  fail_unless_equals_string (result_json (&inline_run), contents);

  /* the last element inside a bin: the bin is a sink to its pipeline,
   * whose EOS comes */
  run_clear (&inline_run);
  desc = g_strdup_printf ("bin. ( filesrc location=%s ! kvsprobe )", mp4);
  run (desc, &inline_run);
  g_free (desc);
  fail_unless_equals_string (result_json (&inline_run), contents);

  run_clear (&pull);
  run_clear (&push);
  run_clear (&inline_run);
  g_free (contents);
  g_free (sidecar);
  g_free (mp4);
}

GST_END_TEST;

/* outMediainfo of what a muxer writes, with or without faststart (then
 * the muxer goes back to rewrite a header): the size is what was
 * written, the streams what was muxed */
GST_START_TEST (test_outmediainfo_inline)
{
  const gchar *modes[] = { "faststart=true", "" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (modes); i++) {
    gchar *out = g_build_filename (tmpdir, "out.mp4", NULL);
    gchar *desc = g_strdup_printf ("videotestsrc num-buffers=60 ! "
        "video/x-raw,format=I420,width=320,height=240,framerate=30/1 ! "
        "x264enc speed-preset=ultrafast ! h264parse ! mp4mux %s name=m ! "
        "kvsprobe format=outmediainfo ! filesink location=%s "
        "audiotestsrc num-buffers=86 ! audio/x-raw,rate=44100,channels=2 ! "
        "avenc_aac ! aacparse ! m.", modes[i], out);
    JsonNode *root;
    JsonObject *o, *v, *a, *f;
    GStatBuf st;
    Run r;

    run (desc, &r);
    root = json_from_string (result_json (&r), NULL);
    fail_unless (root != NULL);
    fail_unless (g_stat (out, &st) == 0);
    o = json_node_get_object (root);
    fail_unless_equals_string (json_object_get_string_member
        (json_object_get_object_member (o, "metadata"), "rotate"), "0");
    v = json_array_get_object_element (json_object_get_array_member (o,
            "streams"), 0);
    a = json_array_get_object_element (json_object_get_array_member (o,
            "streams"), 1);
    f = json_object_get_object_member (o, "format");
    fail_unless_equals_string (json_object_get_string_member (v,
            "codec_name"), "h264");
    fail_unless_equals_int (json_object_get_int_member (v, "width"), 320);
    fail_unless_equals_int (json_object_get_int_member (v, "height"), 240);
    fail_unless_equals_string (json_object_get_string_member (v,
            "r_frame_rate"), "30/1");
    fail_unless_equals_string (json_object_get_string_member (a,
            "codec_name"), "aac");
    fail_unless_equals_int (json_object_get_int_member (a, "channels"), 2);
    fail_unless_equals_int (json_object_get_int_member (a, "sample_rate"),
        44100);
    fail_unless_equals_string (json_object_get_string_member (f,
            "format_name"), "mp4");
    fail_unless_equals_int (json_object_get_int_member (f, "size"), st.st_size);
    fail_unless (json_object_has_member (f, "duration"));
    fail_unless (json_object_has_member (f, "bit_rate"));

    json_node_unref (root);
    run_clear (&r);
    g_unlink (out);
    g_free (desc);
    g_free (out);
  }
}

GST_END_TEST;

static void
check_error (const gchar * path, gint want, GQuark domain, gint code,
    gboolean push)
{
  gchar *desc = g_strdup_printf ("filesrc location=%s ! %skvsprobe", path,
      push ? "queue ! " : "");
  GError *err = NULL;
  gint errnum = 0;
  Run r;

  run (desc, &r);
  fail_unless (r.error != NULL, "%s: no error", path);
  fail_unless (r.result == NULL);
  gst_message_parse_error (r.error, &err, NULL);
  fail_unless (g_error_matches (err, domain, code), "%s: %s", path,
      err->message);
  fail_unless (kvs_error_message_parse_errnum (r.error, &errnum, NULL));
  fail_unless_equals_int (errnum, want);
  g_error_free (err);
  run_clear (&r);
  g_free (desc);
}

/* the first @needle (4 bytes) in binary @data */
static gchar *
find_fourcc (gchar * data, gsize size, const gchar * needle)
{
  gsize i;

  for (i = 0; i + 4 <= size; i++)
    if (memcmp (data + i, needle, 4) == 0)
      return data + i;
  return NULL;
}

static gchar *
write_file (const gchar * name, const gchar * data, gsize size)
{
  gchar *path = g_build_filename (tmpdir, name, NULL);

  fail_unless (g_file_set_contents (path, data, size, NULL));
  return path;
}

/* The stream description of @path, in pull or push mode. */
static JsonObject *
probe_document (const gchar * path, gboolean push)
{
  gchar *desc = g_strdup_printf ("filesrc location=%s ! %skvsprobe", path,
      push ? "queue ! " : "");
  JsonNode *root;
  JsonObject *o;
  Run r;

  run (desc, &r);
  root = json_from_string (result_json (&r), NULL);
  fail_unless (root != NULL);
  o = json_object_ref (json_node_get_object (root));
  json_node_unref (root);
  run_clear (&r);
  g_free (desc);
  return o;
}

/* Files ffprobe refuses get one error with the documented code; files
 * ffprobe reads, however damaged, get their document. */
GST_START_TEST (test_bad_input)
{
  gchar *mp4 = make_mp4 ("good.mp4", "", 60);
  gchar *data, *moov, *entry, *path, *asc;
  gchar *m4a = g_build_filename (tmpdir, "good.m4a", NULL);
  gchar *desc = g_strdup_printf ("audiotestsrc num-buffers=40 ! "
      "avenc_aac ! aacparse ! mp4mux ! filesink location=%s", m4a);
  gsize size;
  GRand *rand = g_rand_new_with_seed (7);
  gchar noise[65536];
  JsonObject *o, *st;
  guint i, push;
  Run r;

  fail_unless (g_file_get_contents (mp4, &data, &size, NULL));
  for (i = 0; i < sizeof (noise); i++)
    noise[i] = g_rand_int (rand);

  for (push = 0; push < 2; push++) {
    path = write_file ("empty.mp4", "", 0);
    check_error (path, 2401, GST_STREAM_ERROR,
        GST_STREAM_ERROR_TYPE_NOT_FOUND, push);
    g_free (path);

    path = write_file ("noise.bin", noise, sizeof (noise));
    check_error (path, 2420, GST_STREAM_ERROR,
        GST_STREAM_ERROR_TYPE_NOT_FOUND, push);
    g_free (path);

    /* mp4mux without faststart writes the movie box last: a file cut in
     * its media data has none ("moov atom not found") */
    moov = find_fourcc (data, size, "moov");
    fail_unless (moov != NULL);
    path = write_file ("nomoov.mp4", data, moov - 4 - data);
    check_error (path, 2421, GST_STREAM_ERROR, GST_STREAM_ERROR_DEMUX, push);
    g_free (path);

    /* cut inside the movie box, ffprobe reads what there is: the movie
     * header, no track */
    path = write_file ("truncated.mp4", data, moov - data + 16);
    o = probe_document (path, push);
    fail_unless_equals_int (json_array_get_length (json_object_get_array_member
            (o, "streams")), 0);
    fail_unless_equals_string (json_object_get_string_member
        (json_object_get_object_member (o, "format"), "format_name"),
        "mov,mp4,m4a,3gp,3g2,mj2");
    json_object_unref (o);
    g_free (path);
  }

  /* a codec nobody knows, the sample entry renamed: ffprobe lists the
   * stream with its tag and no codec name */
  entry = find_fourcc (data, size, "avc1");
  fail_unless (entry != NULL);
  memcpy (entry, "zzz1", 4);
  path = write_file ("unknown.mp4", data, size);
  o = probe_document (path, FALSE);
  st = json_array_get_object_element (json_object_get_array_member (o,
          "streams"), 0);
  fail_if (json_object_has_member (st, "codec_name"));
  fail_unless_equals_string (json_object_get_string_member (st,
          "codec_tag_string"), "zzz1");
  fail_unless_equals_string (json_object_get_string_member (st,
          "codec_type"), "video");
  json_object_unref (o);
  g_free (path);
  g_free (data);

  /* an AAC stream whose AudioSpecificConfig names object type 0: the
   * decoder cannot be opened, and ffprobe gives up */
  run (desc, &r);
  fail_unless (r.error == NULL);
  run_clear (&r);
  fail_unless (g_file_get_contents (m4a, &data, &size, NULL));
  entry = find_fourcc (data, size, "esds");
  fail_unless (entry != NULL);
  asc = memchr (entry + 20, 0x05, size - (entry + 20 - data));
  fail_unless (asc != NULL && asc[1] >= 2);
  asc[2] = 0x00;
  asc[3] = 0x08;
  path = write_file ("badasc.m4a", data, size);
  for (push = 0; push < 2; push++)
    check_error (path, 2403, GST_STREAM_ERROR,
        GST_STREAM_ERROR_CODEC_NOT_FOUND, push);
  g_free (path);

  g_rand_free (rand);
  g_free (data);
  g_free (desc);
  g_free (m4a);
  g_free (mp4);
}

GST_END_TEST;

/* Every container kvsprobe reads gives one document read by its index
 * and with every byte passing, with the container's name. (Field-by-field
 * agreement with ffprobe is probe-conformance.py's.) */
GST_START_TEST (test_every_container)
{
  static const struct
  {
    const gchar *file;
    const gchar *format_name;
    const gchar *muxer_name;
    const gchar *encode;
  } cases[] = {
    {"a.mkv", "matroska,webm", "matroska", "videotestsrc num-buffers=10 ! "
          "video/x-raw,format=I420,width=160,height=120 ! vp8enc deadline=1 ! "
          "matroskamux"},
    {"a.webm", "matroska,webm", "webm",
        "audiotestsrc num-buffers=20 ! opusenc ! " "webmmux"},
    {"a.ts", "mpegts", "mpegts",
        "videotestsrc num-buffers=10 ! "
          "video/x-raw,format=I420,width=160,height=120 ! x264enc "
          "speed-preset=ultrafast ! h264parse ! mpegtsmux"},
    {"a.flv", "flv", "flv",
        "audiotestsrc num-buffers=20 ! lamemp3enc ! "
          "mpegaudioparse ! flvmux"},
    {"a.mp3", "mp3", "mp3",
        "audiotestsrc num-buffers=20 ! lamemp3enc ! " "mpegaudioparse"},
    {"a.aac", "aac", "adts",
        "audiotestsrc num-buffers=20 ! avenc_aac ! aacparse ! "
          "audio/mpeg,stream-format=adts"},
    {"a.wav", "wav", "wav", "audiotestsrc num-buffers=20 ! wavenc"},
    {"a.flac", "flac", "flac", "audiotestsrc num-buffers=20 ! flacenc"},
    {"a.ogg", "ogg", "ogg", "audiotestsrc num-buffers=20 ! vorbisenc ! oggmux"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *path = g_build_filename (tmpdir, cases[i].file, NULL);
    gchar *desc = g_strdup_printf ("%s ! filesink location=%s",
        cases[i].encode, path);
    JsonNode *root;
    gchar *pull_json;
    Run r;

    run (desc, &r);
    fail_unless (r.error == NULL, "%s", cases[i].file);
    run_clear (&r);
    g_free (desc);

    desc = g_strdup_printf ("filesrc location=%s ! kvsprobe", path);
    run (desc, &r);
    pull_json = g_strdup (result_json (&r));
    run_clear (&r);
    g_free (desc);

    desc = g_strdup_printf ("filesrc location=%s ! queue ! kvsprobe", path);
    run (desc, &r);
    fail_unless_equals_string (result_json (&r), pull_json);
    run_clear (&r);

    root = json_from_string (pull_json, NULL);
    fail_unless (root != NULL);
    fail_unless_equals_string (json_object_get_string_member
        (json_object_get_object_member (json_node_get_object (root),
                "format"), "format_name"), cases[i].format_name);
    json_node_unref (root);

    /* outMediainfo names the muxer: webm by the EBML DocType */
    g_free (desc);
    desc = g_strdup_printf ("filesrc location=%s ! kvsprobe "
        "format=outmediainfo", path);
    run (desc, &r);
    root = json_from_string (result_json (&r), NULL);
    fail_unless (root != NULL);
    fail_unless_equals_string (json_object_get_string_member
        (json_object_get_object_member (json_node_get_object (root),
                "format"), "format_name"), cases[i].muxer_name);
    json_node_unref (root);
    run_clear (&r);
    g_free (pull_json);
    g_free (desc);
    g_free (path);
  }
}

GST_END_TEST;

GST_START_TEST (test_unwritable_sidecar)
{
  gchar *mp4 = make_mp4 ("a.mp4", "", 30);
  gchar *desc = g_strdup_printf ("filesrc location=%s ! kvsprobe "
      "json-location=%s/missing/meta.json", mp4, tmpdir);
  gint errnum = 0;
  Run r;

  run (desc, &r);
  fail_unless (r.error != NULL && r.result == NULL);
  fail_unless (kvs_error_message_parse_errnum (r.error, &errnum, NULL));
  fail_unless_equals_int (errnum, 2424);
  run_clear (&r);
  g_free (desc);
  g_free (mp4);
}

GST_END_TEST;

/* Push mode keeps the stream in temp-dir: a directory that cannot hold
 * it is one clear error, 2450, and no document. */
GST_START_TEST (test_unkeepable_stream)
{
  gchar *mp4 = make_mp4 ("a.mp4", "", 30);
  gchar *desc = g_strdup_printf ("filesrc location=%s ! queue ! kvsprobe "
      "temp-dir=%s/missing", mp4, tmpdir);
  GError *err = NULL;
  gint errnum = 0;
  Run r;

  run (desc, &r);
  fail_unless (r.error != NULL && r.result == NULL);
  gst_message_parse_error (r.error, &err, NULL);
  fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_OPEN_WRITE), "%s", err->message);
  fail_unless (kvs_error_message_parse_errnum (r.error, &errnum, NULL));
  fail_unless_equals_int (errnum, 2450);
  g_clear_error (&err);
  run_clear (&r);
  g_free (desc);
  g_free (mp4);
}

GST_END_TEST;

static Suite *
kvsprobe_suite (void)
{
  Suite *s = suite_create ("kvsprobe");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_three_ways_one_document);
  tcase_add_test (tc, test_outmediainfo_inline);
  tcase_add_test (tc, test_bad_input);
  tcase_add_test (tc, test_every_container);
  tcase_add_test (tc, test_unwritable_sidecar);
  tcase_add_test (tc, test_unkeepable_stream);
  return s;
}

GST_CHECK_MAIN (kvsprobe);
