/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The error tables against the API reference itself: data/seed-error-codes.txt
 * is the reference's error-code pages, verbatim. Every code there must be in
 * the tables with the same message, and nothing else. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <string.h>

#include "kvserrors.h"

#include <gst/pbutils/pbutils.h>
#include <glib/gstdio.h>

typedef struct
{
  gint code;
  gchar *message;
} SeedEntry;

static gboolean
is_page_furniture (const gchar * line)
{
  return g_str_has_prefix (line, "错误码") ||
      g_str_has_prefix (line, "点播转码API")
      || g_str_has_prefix (line, "金山云");
}

/* Reads one table of the seed: lines "CODE MESSAGE"; a message may stand on
 * the lines after a lone code and run over several lines (joined as the
 * page breaks them, without a separator). */
static GArray *
read_seed_table (const gchar * heading, const gchar * next_heading)
{
  gchar *path = g_build_filename (KVS_TEST_DATA_DIR, "seed-error-codes.txt",
      NULL);
  gchar *text = NULL, **lines;
  GArray *entries = g_array_new (FALSE, TRUE, sizeof (SeedEntry));
  gboolean in_table = FALSE;
  GRegex *re = g_regex_new ("^([0-9]+)(?: (.*))?$", 0, 0, NULL);
  guint i;

  fail_unless (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);

  for (i = 0; lines[i] != NULL; i++) {
    gchar *line = g_strchug (lines[i]);
    GMatchInfo *m = NULL;

    if (!in_table) {
      in_table = g_str_has_prefix (line, heading);
      continue;
    }
    if (next_heading != NULL && g_str_has_prefix (line, next_heading))
      break;
    if (*line == '\0' || is_page_furniture (line))
      continue;

    if (g_regex_match (re, line, 0, &m)) {
      SeedEntry e;
      gchar *msg = g_match_info_fetch (m, 2);

      e.code = atoi (line);
      e.message = msg ? msg : g_strdup ("");
      g_array_append_val (entries, e);
    } else {
      SeedEntry *last;
      gchar *joined;

      fail_unless (entries->len > 0, "text before the first code: %s", line);
      last = &g_array_index (entries, SeedEntry, entries->len - 1);
      joined = g_strconcat (last->message, line, NULL);
      g_free (last->message);
      last->message = joined;
    }
    g_match_info_free (m);
  }

  for (i = 0; i < entries->len; i++) {
    SeedEntry *e = &g_array_index (entries, SeedEntry, i);

    g_strchomp (e->message);
  }

  g_regex_unref (re);
  g_strfreev (lines);
  g_free (text);
  g_free (path);
  return entries;
}

static void
free_seed (GArray * entries)
{
  guint i;

  for (i = 0; i < entries->len; i++)
    g_free (g_array_index (entries, SeedEntry, i).message);
  g_array_free (entries, TRUE);
}

GST_START_TEST (test_callback_table_is_the_seed)
{
  GArray *seed = read_seed_table ("回调用户错误码", NULL);
  const KvsCallbackError *table;
  guint n, i;

  table = kvs_callback_errors (&n);
  /* 0, 2001-2058, the snapshot, probe, 25xx, 3xxx codes: 164 in all */
  fail_unless_equals_int (seed->len, 164);
  fail_unless_equals_int (n, seed->len);

  for (i = 0; i < seed->len; i++) {
    SeedEntry *e = &g_array_index (seed, SeedEntry, i);
    const gchar *msg = kvs_callback_error_message (e->code);

    fail_unless (msg != NULL, "code %d is missing", e->code);
    fail_unless_equals_string (msg, e->message);
  }

  for (i = 1; i < n; i++)
    fail_unless (table[i - 1].code < table[i].code, "table not sorted at %d",
        table[i].code);

  /* spot checks on codes clients match on, typos included */
  fail_unless_equals_string (kvs_callback_error_message (3143),
      "Trans Internal Error: Decoder not found");
  fail_unless_equals_string (kvs_callback_error_message (2018),
      "object count illeagal");
  fail_unless_equals_string (kvs_callback_error_message (3177),
      "Trans Internal Error:first decoded frame pts_time > start_time. "
      "Maybe lead to non-precise timestamp seek");
  fail_unless (kvs_callback_error_message (2002) != NULL);
  fail_unless (kvs_callback_error_message (2059) == NULL);
  fail_unless (kvs_callback_error_message (-1) == NULL);
  fail_unless (kvs_callback_error_message (3256) == NULL);

  free_seed (seed);
}

GST_END_TEST;

GST_START_TEST (test_public_table_is_the_seed)
{
  GArray *seed = read_seed_table ("公共错误", "回调用户错误码");
  const KvsPublicError *table;
  guint n, i;

  table = kvs_public_errors (&n);
  fail_unless_equals_int (seed->len, 30);
  fail_unless_equals_int (n, seed->len);

  for (i = 0; i < seed->len; i++) {
    SeedEntry *e = &g_array_index (seed, SeedEntry, i);
    const KvsPublicError *pe = kvs_public_error_lookup (e->code);

    fail_unless (pe != NULL, "public code %d is missing", e->code);
    fail_unless_equals_string (pe->message, e->message);
    fail_unless (pe->message_en != NULL && *pe->message_en != '\0');
  }
  for (i = 1; i < n; i++)
    fail_unless (table[i - 1].code < table[i].code);

  fail_unless_equals_string (kvs_public_error_lookup (1213)->message_en,
      "source path too long");
  fail_unless (kvs_public_error_lookup (1003) == NULL);

  free_seed (seed);
}

GST_END_TEST;

GST_START_TEST (test_element_error_carries_code)
{
  GstElement *el = gst_element_factory_make ("identity", NULL);
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;
  const gchar *errmsg = NULL;
  gint errnum = 0;

  gst_element_set_bus (el, bus);
  KVS_ELEMENT_ERROR (el, STREAM, FORMAT, KVS_ERRNUM_INVALID_DATA,
      ("bad data %d", 1), ("debug %s", "text"));

  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (g_error_matches (err, GST_STREAM_ERROR,
          GST_STREAM_ERROR_FORMAT));
  fail_unless_equals_string (err->message, "bad data 1");
  fail_unless (kvs_error_message_parse_errnum (msg, &errnum, &errmsg));
  fail_unless_equals_int (errnum, 3150);
  fail_unless_equals_string (errmsg,
      "Trans Internal Error: Invalid data found when processing input");

  g_error_free (err);
  gst_message_unref (msg);

  /* a message without a code */
  GST_ELEMENT_ERROR (el, CORE, FAILED, (NULL), (NULL));
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_if (kvs_error_message_parse_errnum (msg, &errnum, NULL));
  gst_message_unref (msg);

  gst_element_set_bus (el, NULL);
  gst_object_unref (bus);
  gst_object_unref (el);
}

GST_END_TEST;


/* Plays @desc to its error and maps it, with the missing-plugin message
 * posted before it, as a task would. */
static gint
errnum_of_pipeline (const gchar * desc)
{
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);
  GstBus *bus;
  GstMessage *m, *missing = NULL;
  gint code = -1;

  fail_unless (pipeline != NULL, "%s: %s", desc, err ? err->message : "");
  g_clear_error (&err);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while ((m = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND,
              GST_MESSAGE_ERROR | GST_MESSAGE_EOS | GST_MESSAGE_ELEMENT))) {
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT) {
      if (gst_is_missing_plugin_message (m))
        gst_message_replace (&missing, m);
      gst_message_unref (m);
      continue;
    }
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR)
      code = kvs_errnum_for_error (m, missing);
    gst_message_unref (m);
    break;
  }
  fail_unless (code != -1, "%s: no error", desc);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_clear_message (&missing);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  return code;
}

/* @needle in binary @data */
static gchar *
find (gchar * data, gsize len, const gchar * needle)
{
  gsize n = strlen (needle), i;

  for (i = 0; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      return data + i;
  return NULL;
}

static void
run_to_eos (const gchar * desc)
{
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstMessage *m;

  fail_unless (pipeline != NULL, "%s", desc);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  m = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline), 30 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (m != NULL && GST_MESSAGE_TYPE (m) == GST_MESSAGE_EOS, "%s",
      desc);
  gst_message_unref (m);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
}

static gchar *
temp_file (const gchar * name, const gchar * data, gsize len)
{
  gchar *path = g_build_filename (g_get_tmp_dir (), name, NULL);

  fail_unless (g_file_set_contents (path, data, len, NULL));
  return path;
}

/* the mapping table of docs/errors.md, case by case, with real pipelines
 * where GStreamer can make the error */
GST_START_TEST (test_mapping)
{
  gchar noise[4096], *desc, *path, *mve, *dir;
  guint i;

  /* a file that does not exist: the service's 404 */
  fail_unless_equals_int (errnum_of_pipeline ("filesrc location="
          "/nonexistent/kvs/in.mp4 ! decodebin ! fakesink"), 3164);

  /* an input that cannot be read (a directory, also as root) */
  dir = g_dir_make_tmp ("kvs-errors-XXXXXX", NULL);
  desc = g_strdup_printf ("filesrc location=%s ! decodebin ! fakesink", dir);
  fail_unless_equals_int (errnum_of_pipeline (desc), 3165);
  g_free (desc);
  g_rmdir (dir);
  g_free (dir);

  /* bytes no demuxer recognises: invalid data */
  for (i = 0; i < sizeof (noise); i++)
    noise[i] = (gchar) g_random_int ();
  path = temp_file ("kvs-errors-noise.bin", noise, sizeof (noise));
  desc = g_strdup_printf ("filesrc location=%s ! decodebin ! fakesink", path);
  fail_unless_equals_int (errnum_of_pipeline (desc), 3150);
  g_free (desc);
  g_unlink (path);
  g_free (path);

  /* a container recognised, with no demuxer installed (Interplay MVE) */
  memset (noise, 0, sizeof (noise));
  memcpy (noise, "Interplay MVE File\x1a\x00\x1a\x00\x00\x01\x33\x11", 26);
  mve = temp_file ("kvs-errors.mve", noise, sizeof (noise));
  if (gst_registry_check_feature_version (gst_registry_get (), "mvedemux", 1,
          0, 0)) {
    GST_INFO ("mvedemux is installed: no missing demuxer to test");
  } else {
    desc = g_strdup_printf ("filesrc location=%s ! decodebin ! fakesink", mve);
    fail_unless_equals_int (errnum_of_pipeline (desc), 3144);
    g_free (desc);
  }
  g_unlink (mve);
  g_free (mve);

  /* a codec with no decoder: an mp4 whose sample entry is renamed */
  path = g_build_filename (g_get_tmp_dir (), "kvs-errors-codec.mp4", NULL);
  desc = g_strdup_printf ("videotestsrc num-buffers=5 ! x264enc ! mp4mux ! "
      "filesink location=%s", path);
  run_to_eos (desc);
  g_free (desc);
  {
    gchar *data, *stsd, *entry;
    gsize len;

    fail_unless (g_file_get_contents (path, &data, &len, NULL));
    stsd = find (data, len, "stsd");
    fail_unless (stsd != NULL);
    entry = find (stsd, len - (stsd - data), "avc1");
    fail_unless (entry != NULL);
    memcpy (entry, "kvsz", 4);
    fail_unless (g_file_set_contents (path, data, len, NULL));
    g_free (data);
  }
  desc = g_strdup_printf ("filesrc location=%s ! decodebin ! fakesink", path);
  fail_unless_equals_int (errnum_of_pipeline (desc), 3143);
  g_free (desc);
  g_unlink (path);
  g_free (path);

  /* the element's own documented code goes first */
  path = temp_file ("kvs-errors-empty.mp4", "", 0);
  desc = g_strdup_printf ("filesrc location=%s ! kvsprobe", path);
  if (gst_registry_check_feature_version (gst_registry_get (), "kvsprobe", 1,
          0, 0))
    fail_unless_equals_int (errnum_of_pipeline (desc), 2401);
  g_free (desc);
  g_unlink (path);
  g_free (path);
}

GST_END_TEST;

/* what GStreamer reports only through missing-plugin messages: encoders,
 * muxers, named elements and URI handlers */
GST_START_TEST (test_mapping_missing_plugins)
{
  GstElement *el = gst_element_factory_make ("fakesink", NULL);
  GError *err = g_error_new_literal (GST_CORE_ERROR,
      GST_CORE_ERROR_MISSING_PLUGIN, "missing");
  GstMessage *error = gst_message_new_error (GST_OBJECT (el), err, NULL);
  struct
  {
    GstMessage *missing;
    gint want;
  } cases[6];
  GstCaps *caps;
  guint i;

  caps = gst_caps_from_string ("video/x-h265");
  cases[0].missing = gst_missing_encoder_message_new (el, caps);
  cases[0].want = 3145;
  gst_caps_unref (caps);
  caps = gst_caps_from_string ("video/quicktime");
  cases[1].missing = gst_missing_encoder_message_new (el, caps);
  cases[1].want = 3151;
  cases[2].missing = gst_missing_decoder_message_new (el, caps);
  cases[2].want = 3144;
  gst_caps_unref (caps);
  cases[3].missing = gst_missing_element_message_new (el, "qtdemux");
  cases[3].want = 3144;
  cases[4].missing = gst_missing_element_message_new (el, "mpegtsmux");
  cases[4].want = 3151;
  cases[5].missing = gst_missing_uri_source_message_new (el, "kvs");
  cases[5].want = 3154;
  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    fail_unless_equals_int (kvs_errnum_for_error (error, cases[i].missing),
        cases[i].want);
    gst_message_unref (cases[i].missing);
  }
  /* no missing-plugin message: a missing decoder */
  fail_unless_equals_int (kvs_errnum_for_error (error, NULL), 3143);
  gst_message_unref (error);
  g_error_free (err);
  gst_object_unref (el);
}

GST_END_TEST;

static Suite *
kvserrors_suite (void)
{
  Suite *s = suite_create ("kvserrors");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_callback_table_is_the_seed);
  tcase_add_test (tc, test_public_table_is_the_seed);
  tcase_add_test (tc, test_element_error_carries_code);
  tcase_add_test (tc, test_mapping);
  tcase_add_test (tc, test_mapping_missing_plugins);
  return s;
}

GST_CHECK_MAIN (kvserrors);
