/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* What the element suites share: a temporary directory per test, and a
 * pipeline run to its end that keeps an element's messages. */

#ifndef __KVS_TEST_H__
#define __KVS_TEST_H__

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>
#include <string.h>

/* a new empty directory named after @prefix */
static inline gchar *
kvs_test_dir_new (const gchar * prefix)
{
  gchar *tmpl = g_strdup_printf ("%s-XXXXXX", prefix);
  gchar *dir = g_dir_make_tmp (tmpl, NULL);

  fail_unless (dir != NULL);
  g_free (tmpl);
  return dir;
}

/* removes *@dir and the files in it */
static inline void
kvs_test_dir_remove (gchar ** dir)
{
  GDir *d = g_dir_open (*dir, 0, NULL);
  const gchar *name;

  while ((name = g_dir_read_name (d)) != NULL) {
    gchar *f = g_build_filename (*dir, name, NULL);

    g_unlink (f);
    g_free (f);
  }
  g_dir_close (d);
  g_rmdir (*dir);
  g_clear_pointer (dir, g_free);
}

/* The errors that follow a first one within 300 ms: the echoes a failing
 * pipeline may post, which a failure must not have. */
static inline guint
kvs_test_count_later_errors (GstBus * bus)
{
  GstMessage *m;
  guint n = 0;

  while ((m = gst_bus_timed_pop_filtered (bus, 300 * GST_MSECOND,
              GST_MESSAGE_ERROR)) != NULL) {
    n++;
    gst_message_unref (m);
  }
  return n;
}

typedef struct
{
  GstMessage *result;           /* the message named after the element */
  GstMessage *error;            /* the first error */
  guint n_errors;               /* errors within 300 ms of the first */
  GList *items;                 /* "<element>-<item>" messages, in order */
} KvsRun;

/* Plays @pipeline (parsed from @desc) to EOS or an error, keeping the
 * @element message and the @item messages; fails after 60 s of silence. */
static inline void
kvs_test_run (GstElement * pipeline, const gchar * desc,
    const gchar * element, const gchar * item, KvsRun * r)
{
  GstBus *bus = gst_element_get_bus (pipeline);

  memset (r, 0, sizeof (*r));
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while (TRUE) {
    GstMessage *m = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT);

    fail_unless (m != NULL, "timed out: %s", desc);
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT) {
      if (gst_message_has_name (m, item))
        r->items = g_list_append (r->items, m);
      else if (gst_message_has_name (m, element))
        r->result = m;
      else
        gst_message_unref (m);
      continue;
    }
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR)
      r->error = m;
    else
      gst_message_unref (m);
    break;
  }
  if (r->error != NULL)
    r->n_errors = 1 + kvs_test_count_later_errors (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
}

static inline void
kvs_test_run_clear (KvsRun * r)
{
  gst_clear_message (&r->result);
  gst_clear_message (&r->error);
  g_list_free_full (r->items, (GDestroyNotify) gst_message_unref);
  r->items = NULL;
}

#endif /* __KVS_TEST_H__ */
