/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The result convention: documents, decimals, sidecars and messages. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>
#include <math.h>

#include "kvserrors.h"
#include "kvsresult.h"

static gchar *
build (const gchar * user_string)
{
  JsonBuilder *b = json_builder_new ();
  JsonNode *root;
  gchar *json;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "a");
  kvs_json_builder_add_decimal (b, 0.8, 4);
  json_builder_set_member_name (b, "b");
  json_builder_begin_array (b);
  kvs_json_builder_add_decimal (b, 1.0, 4);
  kvs_json_builder_add_decimal (b, -0.00004, 4);
  kvs_json_builder_add_decimal (b, 1234567.5, 1);
  kvs_json_builder_add_decimal (b, NAN, 4);
  kvs_json_builder_add_decimal (b, 1e300, 2);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "user");
  json_builder_add_string_value (b, user_string);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json = kvs_result_to_json (root);
  json_node_unref (root);
  g_object_unref (b);
  return json;
}

GST_START_TEST (test_decimals)
{
  gchar *json = build ("plain");
  gchar *big = g_strdup_printf ("%.2f", 1e300);
  gchar *want = g_strdup_printf ("{\"a\":0.8000,\"b\":[1.0000,-0.0000,"
      "1234567.5,null,%s],\"user\":\"plain\"}", big);

  fail_unless_equals_string (json, want);
  g_free (json);
  g_free (want);
  g_free (big);
}

GST_END_TEST;

/* strings that look like the mark stay strings, and the document stays
 * valid JSON */
GST_START_TEST (test_strings_stay_strings)
{
  const gchar *users[] = {
    "\001kvs-decimal:7",
    "x\"\001kvs-decimal:5",
    "\001kvs-decimal-0123456789abcdef:7",
    "\\u0001kvs-decimal:1",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (users); i++) {
    gchar *json = build (users[i]);
    JsonNode *node = json_from_string (json, NULL);

    fail_unless (node != NULL, "invalid JSON: %s", json);
    fail_unless_equals_string (json_object_get_string_member
        (json_node_get_object (node), "user"), users[i]);
    fail_unless_equals_float (json_object_get_double_member
        (json_node_get_object (node), "a"), 0.8);
    json_node_unref (node);
    g_free (json);
  }
}

GST_END_TEST;

GST_START_TEST (test_post_and_sidecar)
{
  GstElement *el = gst_element_factory_make ("identity", "probe");
  GstBus *bus = gst_bus_new ();
  gchar *dir = g_dir_make_tmp ("kvsresult-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "r.json", NULL);
  gchar *bad = g_build_filename (dir, "missing", "r.json", NULL);
  JsonNode *root = json_from_string ("{\"k\":[1,2]}", NULL);
  GstMessage *m;
  gchar *contents;
  gint errnum = 0;

  gst_element_set_bus (el, bus);

  fail_unless (kvs_result_post (el, path, root,
          gst_structure_new ("probe", "n", G_TYPE_INT, 2, NULL), 3203));
  m = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);
  fail_unless (gst_message_has_name (m, "probe"));
  fail_unless (g_file_get_contents (path, &contents, NULL, NULL));
  fail_unless_equals_string (contents, "{\"k\":[1,2]}");
  fail_unless_equals_string (gst_structure_get_string
      (gst_message_get_structure (m), "json"), contents);
  fail_unless_equals_string (gst_structure_get_string
      (gst_message_get_structure (m), "location"), path);
  gst_message_unref (m);
  g_free (contents);

  /* without a location: the message only */
  fail_unless (kvs_result_post (el, NULL, root,
          gst_structure_new_empty ("probe"), 3203));
  m = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);
  fail_unless (!gst_structure_has_field (gst_message_get_structure (m),
          "location"));
  gst_message_unref (m);

  /* an unwritable path: the documented code, no message, no file */
  fail_if (kvs_result_post (el, bad, root, gst_structure_new_empty ("probe"),
          3203));
  m = gst_bus_pop (bus);
  fail_unless_equals_int (GST_MESSAGE_TYPE (m), GST_MESSAGE_ERROR);
  fail_unless (kvs_error_message_parse_errnum (m, &errnum, NULL));
  fail_unless_equals_int (errnum, 3203);
  gst_message_unref (m);
  fail_unless (gst_bus_pop (bus) == NULL);
  fail_if (g_file_test (bad, G_FILE_TEST_EXISTS));

  g_unlink (path);
  g_rmdir (dir);
  json_node_unref (root);
  gst_element_set_bus (el, NULL);
  gst_object_unref (bus);
  gst_object_unref (el);
  g_free (bad);
  g_free (path);
  g_free (dir);
}

GST_END_TEST;

static Suite *
kvsresult_suite (void)
{
  Suite *s = suite_create ("kvsresult");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_decimals);
  tcase_add_test (tc, test_strings_stay_strings);
  tcase_add_test (tc, test_post_and_sidecar);
  return s;
}

GST_CHECK_MAIN (kvsresult);
