/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The callback bodies, field by field against the service's reference:
 * names and spellings, key order, types, and documents as JSON strings
 * that parse back to themselves. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <json-glib/json-glib.h>

#include "kvscallback.h"
#include "../kvsjson.h"

#define METAINFO "{\"streams\":[{\"index\":0,\"codec_name\":\"h264\"}]," \
  "\"format\":{\"duration\":\"10.000000\",\"size\":\"1234\"}}"
#define SEGMENTS "[{\"fileindex\":0,\"filename\":\"segmentfile-000.mp4\"," \
  "\"duration\":\"10.0000\",\"filesize\":67778}]"

static KvsTaskOutput
output (const gchar * type)
{
  KvsTaskOutput o = { 0, };

  o.type = type;
  o.snapshot_num = -1;
  return o;
}

GST_START_TEST (test_task_id)
{
  GDateTime *t = g_date_time_new_local (2026, 11, 21, 12, 0, 0);
  gchar *a = kvs_callback_task_id_new (t);
  gchar *b = kvs_callback_task_id_new (t);
  guint i;

  /* 32 hex digits and the date, like 92e37457…20160914 */
  fail_unless_equals_int (strlen (a), 40);
  for (i = 0; i < 32; i++)
    fail_unless (g_ascii_isxdigit (a[i]));
  fail_unless_equals_string (a + 32, "20261121");
  fail_if (g_str_equal (a, b));
  g_free (a);
  g_free (b);
  g_date_time_unref (t);
}

GST_END_TEST;

GST_START_TEST (test_avinfo)
{
  KvsTaskOutput o = output ("avinfo");
  gchar *body;
  JsonNode *node;
  JsonObject *root, *details, *item;
  JsonArray *items;

  o.metainfo = METAINFO;
  body = kvs_callback_body ("t1", &o, KVS_CALLBACK_FLAGS_NONE);
  node = kvs_json_parse (body);
  root = json_node_get_object (node);
  assert_keys (root, "TaskID,Status,Type,Details");
  fail_unless_equals_string (json_object_get_string_member (root, "TaskID"),
      "t1");
  fail_unless_equals_int (json_object_get_int_member (root, "Status"), 3);
  fail_unless_equals_string (json_object_get_string_member (root, "Type"),
      "avinfo");
  details = json_object_get_object_member (root, "Details");
  assert_keys (details, "errnum,errmsg,bucket,items");
  fail_unless_equals_int (json_object_get_int_member (details, "errnum"), 0);
  fail_unless_equals_string (json_object_get_string_member (details,
          "errmsg"), "Success");
  fail_unless_equals_string (json_object_get_string_member (details,
          "bucket"), "");
  items = json_object_get_array_member (details, "items");
  fail_unless_equals_int (json_array_get_length (items), 1);
  item = json_array_get_object_element (items, 0);
  assert_keys (item, "dstpath,metainfo");
  fail_unless_equals_string (json_object_get_string_member (item, "dstpath"),
      "");
  /* a string holding the document, byte for byte */
  fail_unless_equals_string (json_object_get_string_member (item,
          "metainfo"), METAINFO);
  json_node_unref (node);
  g_free (body);
}

GST_END_TEST;

GST_START_TEST (test_segments)
{
  KvsTaskOutput o = output ("avtrans");
  gchar *body;
  JsonNode *node, *doc;
  JsonObject *details, *item;

  o.bucket = "wangshuai9";
  o.dstpath = "m3u8/test/filelist.m3u8";
  o.segmentlisttype = "m3u8";
  o.segmentsinfo = SEGMENTS;
  body = kvs_callback_body ("t2", &o, KVS_CALLBACK_FLAGS_NONE);
  node = kvs_json_parse (body);
  details = json_object_get_object_member (json_node_get_object (node),
      "Details");
  fail_unless_equals_string (json_object_get_string_member (details,
          "bucket"), "wangshuai9");
  item = json_array_get_object_element (json_object_get_array_member
      (details, "items"), 0);
  /* the reference's spellings: segmentlisttype, segmentsinfo */
  assert_keys (item, "dstpath,segmentlisttype,segmentsinfo");
  fail_unless_equals_string (json_object_get_string_member (item,
          "segmentlisttype"), "m3u8");
  doc = json_from_string (json_object_get_string_member (item,
          "segmentsinfo"), NULL);
  fail_unless (doc != NULL && JSON_NODE_HOLDS_ARRAY (doc));
  json_node_unref (doc);
  json_node_unref (node);
  g_free (body);
}

GST_END_TEST;

GST_START_TEST (test_snapshots_and_sprites)
{
  KvsTaskOutput o = output ("avsample");
  gchar *body;
  JsonNode *node;
  JsonObject *details, *item;

  o.snapshot_num = 12;
  o.dstpath = "sprites/";
  o.thumnailsinfo = "[{\"fileindex\":0,\"thumbnailpath\":\"sprites/s-0.jpg\","
      "\"filesize\":100}]";
  body = kvs_callback_body ("t3", &o, KVS_CALLBACK_FLAGS_NONE);
  node = kvs_json_parse (body);
  details = json_object_get_object_member (json_node_get_object (node),
      "Details");
  assert_keys (details, "errnum,errmsg,bucket,snapshotNum,items");
  fail_unless_equals_int (json_object_get_int_member (details,
          "snapshotNum"), 12);
  item = json_array_get_object_element (json_object_get_array_member
      (details, "items"), 0);
  /* the reference's spelling: thumnailsinfo */
  assert_keys (item, "dstpath,thumnailsinfo");
  json_node_unref (node);
  g_free (body);
}

GST_END_TEST;

GST_START_TEST (test_failure)
{
  KvsTaskOutput o = output ("avtrans");
  gchar *body;
  JsonNode *node;
  JsonObject *root, *details;

  o.errnum = 3150;
  o.metainfo = METAINFO;        /* not reported for a failure */
  body = kvs_callback_body ("t4", &o, KVS_CALLBACK_FLAGS_NONE);
  node = kvs_json_parse (body);
  root = json_node_get_object (node);
  fail_unless_equals_int (json_object_get_int_member (root, "Status"), 4);
  details = json_object_get_object_member (root, "Details");
  fail_unless_equals_int (json_object_get_int_member (details, "errnum"), 3150);
  fail_unless_equals_string (json_object_get_string_member (details,
          "errmsg"),
      "Trans Internal Error: Invalid data found when processing input");
  fail_unless_equals_int (json_array_get_length (json_object_get_array_member
          (details, "items")), 0);
  json_node_unref (node);
  g_free (body);

  /* a reason of the caller's own */
  o.errmsg = "no key frame";
  body = kvs_callback_body ("t4", &o, KVS_CALLBACK_FLAGS_NONE);
  node = kvs_json_parse (body);
  details = json_object_get_object_member (json_node_get_object (node),
      "Details");
  fail_unless_equals_string (json_object_get_string_member (details,
          "errmsg"), "no key frame");
  json_node_unref (node);
  g_free (body);
}

GST_END_TEST;

GST_START_TEST (test_legacy)
{
  KvsTaskOutput o = output ("avinfo");
  gchar *body;
  JsonNode *node;
  JsonObject *root, *itme;
  JsonArray *itmes, *k;

  o.metainfo = METAINFO;
  body = kvs_callback_body ("t5", &o, KVS_CALLBACK_LEGACY);
  node = kvs_json_parse (body);
  root = json_node_get_object (node);
  /* lower-case top-level keys and the `itmes` (sic) array */
  assert_keys (root, "taskid,status,type,itmes,details");
  itmes = json_object_get_array_member (root, "itmes");
  fail_unless_equals_int (json_array_get_length (itmes), 1);
  itme = json_array_get_object_element (itmes, 0);
  assert_keys (itme, "cmd,desc,keys,code");
  fail_unless_equals_string (json_object_get_string_member (itme, "cmd"),
      "tag=avinfo");
  fail_unless_equals_string (json_object_get_string_member (itme, "desc"),
      "success");
  k = json_object_get_array_member (itme, "keys");
  fail_unless_equals_int (json_array_get_length (k), 1);
  fail_unless_equals_string (json_array_get_string_element (k, 0), "");
  fail_unless_equals_int (json_object_get_int_member (itme, "code"), 3);
  /* the rest unchanged */
  assert_keys (json_object_get_object_member (root, "details"),
      "errnum,errmsg,bucket,items");
  json_node_unref (node);
  g_free (body);
}

GST_END_TEST;

GST_START_TEST (test_streaming)
{
  KvsTaskOutput o[2] = { output ("avtrans"), output ("avinfo") };
  gchar *body;
  JsonNode *node;
  JsonObject *root, *d0, *d1;
  JsonArray *details;

  o[0].bucket = "xxxxx";
  o[0].dstpath = "xxxx/xxx/xxx.mp4";
  o[0].out_mediainfo = METAINFO;
  o[1].errnum = 2420;
  body = kvs_callback_body_streaming ("t6", o, 2, KVS_CALLBACK_FLAGS_NONE);
  node = kvs_json_parse (body);
  root = json_node_get_object (node);
  assert_keys (root, "TaskID,Status,Details");
  /* one sub-task failed */
  fail_unless_equals_int (json_object_get_int_member (root, "Status"), 4);
  details = json_object_get_array_member (root, "Details");
  fail_unless_equals_int (json_array_get_length (details), 2);
  d0 = json_array_get_object_element (details, 0);
  assert_keys (d0, "Order,Type,Status,Errnum,Errmsg,Bucket,OutInfo");
  fail_unless_equals_int (json_object_get_int_member (d0, "Order"), 0);
  fail_unless_equals_int (json_object_get_int_member (d0, "Status"), 3);
  fail_unless_equals_string (json_object_get_string_member (d0, "Errmsg"), "");
  assert_keys (json_object_get_object_member (d0, "OutInfo"),
      "dstpath,outMediainfo");
  fail_unless_equals_string (json_object_get_string_member
      (json_object_get_object_member (d0, "OutInfo"), "outMediainfo"),
      METAINFO);
  d1 = json_array_get_object_element (details, 1);
  fail_unless_equals_int (json_object_get_int_member (d1, "Order"), 1);
  fail_unless_equals_int (json_object_get_int_member (d1, "Status"), 4);
  fail_unless_equals_int (json_object_get_int_member (d1, "Errnum"), 2420);
  fail_unless_equals_string (json_object_get_string_member (d1, "Errmsg"),
      "probe inter error: open input file error");
  json_node_unref (node);
  g_free (body);

  /* all succeeded */
  o[1].errnum = 0;
  body = kvs_callback_body_streaming ("t6", o, 2, KVS_CALLBACK_FLAGS_NONE);
  node = kvs_json_parse (body);
  fail_unless_equals_int (json_object_get_int_member (json_node_get_object
          (node), "Status"), 3);
  json_node_unref (node);
  g_free (body);
}

GST_END_TEST;

GST_START_TEST (test_progress)
{
  gchar *body = kvs_callback_body_progress ("t7", "avtrans", "transcoding", 5,
      KVS_CALLBACK_FLAGS_NONE);
  JsonNode *node = kvs_json_parse (body);
  JsonObject *root = json_node_get_object (node), *details;

  assert_keys (root, "TaskID,Status,Type,Details");
  fail_unless_equals_int (json_object_get_int_member (root, "Status"), 2);
  details = json_object_get_object_member (root, "Details");
  assert_keys (details, "status,progress");
  fail_unless_equals_string (json_object_get_string_member (details,
          "status"), "transcoding");
  fail_unless_equals_int (json_object_get_int_member (details, "progress"), 5);
  json_node_unref (node);
  g_free (body);

  body = kvs_callback_body_progress ("t7", "avtrans", "uploading", 150,
      KVS_CALLBACK_FLAGS_NONE);
  node = kvs_json_parse (body);
  details = json_object_get_object_member (json_node_get_object (node),
      "Details");
  fail_unless_equals_int (json_object_get_int_member (details, "progress"),
      100);
  json_node_unref (node);
  g_free (body);
}

GST_END_TEST;

/* tags may hold anything: the body stays valid UTF-8 JSON */
GST_START_TEST (test_invalid_utf8)
{
  KvsTaskOutput o = output ("avinfo");
  gchar *body;
  JsonNode *node;

  o.metainfo = "{\"format\":{\"tags\":{\"title\":\"\xff\xfe bad \xc3\"}}}";
  o.dstpath = "a\xe9.mp4";
  body = kvs_callback_body ("t8", &o, KVS_CALLBACK_FLAGS_NONE);
  node = kvs_json_parse (body);
  json_node_unref (node);
  g_free (body);
}

GST_END_TEST;

static Suite *
kvscallback_suite (void)
{
  Suite *s = suite_create ("kvscallback");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_task_id);
  tcase_add_test (tc, test_avinfo);
  tcase_add_test (tc, test_segments);
  tcase_add_test (tc, test_snapshots_and_sprites);
  tcase_add_test (tc, test_failure);
  tcase_add_test (tc, test_legacy);
  tcase_add_test (tc, test_streaming);
  tcase_add_test (tc, test_progress);
  tcase_add_test (tc, test_invalid_utf8);
  return s;
}

GST_CHECK_MAIN (kvscallback);
