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

static Suite *
kvserrors_suite (void)
{
  Suite *s = suite_create ("kvserrors");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_callback_table_is_the_seed);
  tcase_add_test (tc, test_public_table_is_the_seed);
  tcase_add_test (tc, test_element_error_carries_code);
  return s;
}

GST_CHECK_MAIN (kvserrors);
