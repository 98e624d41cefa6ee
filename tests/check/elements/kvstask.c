/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* kvstask against a real HTTP receiver on 127.0.0.1 (a SoupServer in its
 * own thread): every body shape field by field, the documents inside as
 * the elements posted them, failure bodies per mapped error, retries with
 * one idempotency key, an unreachable receiver, and progress callbacks. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <libsoup/soup.h>
#include <gio/gio.h>

#include "kvstest.h"
#include "kvscallback.h"
#include "kvserrors.h"
#include "../kvsjson.h"

static gchar *tmpdir;

/* ---- the receiver ---- */

typedef struct
{
  gchar *method;
  gchar *path;
  gchar *content_type;
  gchar *key;                   /* Idempotency-Key */
  gchar *attempt;               /* X-Kvs-Attempt */
  gchar *body;
  guint status;                 /* what it was answered */
} Request;

typedef struct
{
  GMutex lock;
  GCond cond;
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  gchar *url;
  GQueue script;                /* statuses to answer first, then 200;
                                 * HANG: no answer at all */
  GPtrArray *requests;
} Receiver;

static Receiver rx;

#define HANG 1

static void
request_free (Request * r)
{
  g_free (r->method);
  g_free (r->path);
  g_free (r->content_type);
  g_free (r->key);
  g_free (r->attempt);
  g_free (r->body);
  g_free (r);
}

static void
on_request (SoupServer * server, SoupServerMessage * msg, const gchar * path,
    GHashTable * query, gpointer data)
{
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  GBytes *bytes = soup_message_body_flatten (body);
  Request *r = g_new0 (Request, 1);

  r->method = g_strdup (soup_server_message_get_method (msg));
  r->path = g_strdup (path);
  r->content_type = g_strdup (soup_message_headers_get_content_type (h, NULL));
  r->key = g_strdup (soup_message_headers_get_one (h, "Idempotency-Key"));
  r->attempt = g_strdup (soup_message_headers_get_one (h, "X-Kvs-Attempt"));
  r->body = g_strndup (g_bytes_get_data (bytes, NULL),
      g_bytes_get_size (bytes));
  g_bytes_unref (bytes);

  g_mutex_lock (&rx.lock);
  r->status = g_queue_is_empty (&rx.script) ? 200 :
      GPOINTER_TO_UINT (g_queue_pop_head (&rx.script));
  g_ptr_array_add (rx.requests, r);
  g_cond_broadcast (&rx.cond);
  g_mutex_unlock (&rx.lock);

  if (r->status == HANG) {
    soup_server_message_pause (msg);
    return;
  }
  soup_server_message_set_status (msg, r->status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC,
      "ok", 2);
}

static gpointer
receiver_thread (gpointer data)
{
  SoupServer *server;
  GError *err = NULL;
  GSList *uris;

  g_main_context_push_thread_default (rx.context);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, on_request, NULL, NULL);
  fail_unless (soup_server_listen_local (server, 0,
          SOUP_SERVER_LISTEN_IPV4_ONLY, &err), "%s", err ? err->message : "");
  uris = soup_server_get_uris (server);

  g_mutex_lock (&rx.lock);
  rx.url = g_strdup_printf ("http://127.0.0.1:%d/cb",
      g_uri_get_port (uris->data));
  g_cond_broadcast (&rx.cond);
  g_mutex_unlock (&rx.lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (rx.loop);

  soup_server_disconnect (server);
  g_object_unref (server);
  /* let the closed connections finish */
  while (g_main_context_iteration (rx.context, FALSE));
  g_main_context_pop_thread_default (rx.context);
  return NULL;
}

static void
receiver_start (void)
{
  g_mutex_init (&rx.lock);
  g_cond_init (&rx.cond);
  g_queue_init (&rx.script);
  rx.requests = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  rx.context = g_main_context_new ();
  rx.loop = g_main_loop_new (rx.context, FALSE);
  rx.thread = g_thread_new ("receiver", receiver_thread, NULL);

  g_mutex_lock (&rx.lock);
  while (rx.url == NULL)
    g_cond_wait (&rx.cond, &rx.lock);
  g_mutex_unlock (&rx.lock);
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (rx.loop);
  return G_SOURCE_REMOVE;
}

static void
receiver_stop (void)
{
  g_main_context_invoke (rx.context, quit_loop, NULL);
  g_thread_join (rx.thread);
  g_main_loop_unref (rx.loop);
  g_main_context_unref (rx.context);
  g_ptr_array_unref (rx.requests);
  g_queue_clear (&rx.script);
  g_clear_pointer (&rx.url, g_free);
  g_mutex_clear (&rx.lock);
  g_cond_clear (&rx.cond);
}

/* answer the next requests with these statuses (0 ends the list) */
static void
receiver_script (guint first, ...)
{
  va_list args;
  guint s;

  va_start (args, first);
  g_mutex_lock (&rx.lock);
  for (s = first; s != 0; s = va_arg (args, guint))
    g_queue_push_tail (&rx.script, GUINT_TO_POINTER (s));
  g_mutex_unlock (&rx.lock);
  va_end (args);
}

static Request *
request (guint i)
{
  Request *r;

  g_mutex_lock (&rx.lock);
  fail_unless (i < rx.requests->len, "request %u of %u", i, rx.requests->len);
  r = g_ptr_array_index (rx.requests, i);
  g_mutex_unlock (&rx.lock);
  return r;
}

static guint
n_requests (void)
{
  guint n;

  g_mutex_lock (&rx.lock);
  n = rx.requests->len;
  g_mutex_unlock (&rx.lock);
  return n;
}

/* ---- fixtures and runs ---- */

static gchar *in_mp4, *in_wav;

/* @desc in a pipeline: a lone bin (a kvstask) is returned by the parser
 * as it is, and gst-launch-1.0 would wrap it so; *@top is that bin */
static GstElement *
in_pipeline (const gchar * desc, GstElement ** top)
{
  GError *err = NULL;
  GstElement *parsed = gst_parse_launch (desc, &err), *p;

  fail_unless (parsed != NULL, "%s: %s", desc, err ? err->message : "");
  if (top != NULL)
    *top = parsed;
  if (GST_IS_PIPELINE (parsed))
    return parsed;
  p = gst_pipeline_new (NULL);
  gst_bin_add (GST_BIN (p), parsed);
  return p;
}

/* Plays @p until it ends, which must be with @want (EOS or ERROR). */
static void
play_to (GstElement * p, GstMessageType want)
{
  GstMessage *m;

  gst_element_set_state (p, GST_STATE_PLAYING);
  m = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (p), 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (m != NULL && GST_MESSAGE_TYPE (m) == want, "%s",
      m ? GST_MESSAGE_TYPE_NAME (m) : "timed out");
  gst_message_unref (m);
}

static void
make_media (const gchar * desc)
{
  GstElement *p = in_pipeline (desc, NULL);

  play_to (p, GST_MESSAGE_EOS);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
}

/* 64 KiB of random bytes: data that no demuxer takes */
static gchar *
make_noise (void)
{
  gchar *path = g_build_filename (tmpdir, "noise.bin", NULL);
  guint8 bytes[65536];
  guint i;

  for (i = 0; i < sizeof (bytes); i++)
    bytes[i] = g_random_int_range (0, 256);
  fail_unless (g_file_set_contents (path, (gchar *) bytes, sizeof (bytes),
          NULL));
  return path;
}

static void
setup (void)
{
  gchar *desc;

  tmpdir = kvs_test_dir_new ("kvstask");
  in_mp4 = g_build_filename (tmpdir, "in.mp4", NULL);
  in_wav = g_build_filename (tmpdir, "in.wav", NULL);
  desc = g_strdup_printf ("videotestsrc num-buffers=30 ! "
      "video/x-raw,format=I420,width=160,height=120,framerate=15/1 ! "
      "x264enc speed-preset=ultrafast ! "
      "h264parse ! mp4mux name=m ! filesink location=%s "
      "audiotestsrc num-buffers=40 ! avenc_aac ! m.", in_mp4);
  make_media (desc);
  g_free (desc);
  desc = g_strdup_printf ("audiotestsrc num-buffers=65 ! wavenc ! "
      "filesink location=%s", in_wav);
  make_media (desc);
  g_free (desc);
  receiver_start ();
}

static void
teardown (void)
{
  receiver_stop ();
  g_clear_pointer (&in_mp4, g_free);
  g_clear_pointer (&in_wav, g_free);
  kvs_test_dir_remove (&tmpdir);
}

typedef struct
{
  GstMessage *callback;         /* kvstask-callback */
  GList *results;               /* the kvs elements' result messages */
  GstMessage *error;
  guint n_errors;
  guint n_warnings;
  GstMessage *warning;
  gboolean eos;
} Run;

static const gchar *const result_names[] = {
  "kvsprobe", "kvswave", "kvssnapshot", "kvssegmentsink", NULL
};

/* Plays @desc to EOS or an error. The callback message must come before
 * either: the bin holds them until the delivery ended. */
static void
run (const gchar * desc, Run * r)
{
  GstElement *pipeline = in_pipeline (desc, NULL);
  GstBus *bus;

  memset (r, 0, sizeof (*r));
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while (TRUE) {
    GstMessage *m = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING |
        GST_MESSAGE_ELEMENT);
    const GstStructure *s;

    fail_unless (m != NULL, "timed out: %s", desc);
    s = gst_message_get_structure (m);
    switch (GST_MESSAGE_TYPE (m)) {
      case GST_MESSAGE_ELEMENT:
        if (gst_structure_has_name (s, "kvstask-callback")) {
          fail_unless (r->callback == NULL, "two callbacks");
          r->callback = m;
        } else if (g_strv_contains (result_names, gst_structure_get_name (s))) {
          r->results = g_list_append (r->results, m);
        } else {
          gst_message_unref (m);
        }
        continue;
      case GST_MESSAGE_WARNING:
        r->n_warnings++;
        gst_message_replace (&r->warning, m);
        gst_message_unref (m);
        continue;
      case GST_MESSAGE_ERROR:
        r->error = m;
        r->n_errors = 1;
        break;
      default:
        r->eos = TRUE;
        gst_message_unref (m);
        break;
    }
    break;
  }
  fail_unless (r->callback != NULL, "no callback before the end: %s", desc);
  if (r->error != NULL)
    r->n_errors += kvs_test_count_later_errors (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

static void
run_clear (Run * r)
{
  gst_clear_message (&r->callback);
  gst_clear_message (&r->error);
  gst_clear_message (&r->warning);
  g_list_free_full (r->results, (GDestroyNotify) gst_message_unref);
  r->results = NULL;
}

/* the json field of the result message named @name */
static const gchar *
result_json (Run * r, const gchar * name)
{
  GList *l;

  for (l = r->results; l; l = l->next) {
    const GstStructure *s = gst_message_get_structure (l->data);

    if (gst_structure_has_name (s, name))
      return gst_structure_get_string (s, "json");
  }
  fail ("no %s result", name);
  return NULL;
}

static const gchar *
cb_string (Run * r, const gchar * field)
{
  return gst_structure_get_string (gst_message_get_structure (r->callback),
      field);
}

static guint
cb_uint (Run * r, const gchar * field)
{
  guint v = G_MAXUINT;

  fail_unless (gst_structure_get_uint (gst_message_get_structure
          (r->callback), field, &v), "no %s", field);
  return v;
}

static gboolean
cb_delivered (Run * r)
{
  gboolean v = FALSE;

  fail_unless (gst_structure_get_boolean (gst_message_get_structure
          (r->callback), "delivered", &v));
  return v;
}

/* The one request of a delivered final callback: its headers, and the
 * body that the message and callback-location (when given) also hold. */
static JsonNode *
delivered_body (Run * r, const gchar * location)
{
  Request *q;

  if (r->error != NULL) {
    GError *err = NULL;

    gst_message_parse_error (r->error, &err, NULL);
    fail ("the run failed: %s", err->message);
    g_error_free (err);
  }
  fail_unless_equals_int (n_requests (), 1);
  q = request (0);
  fail_unless_equals_string (q->method, "POST");
  fail_unless_equals_string (q->path, "/cb");
  fail_unless_equals_string (q->content_type, "application/json");
  fail_unless (q->key != NULL && strlen (q->key) == 36, "Idempotency-Key");
  fail_unless_equals_string (q->attempt, "1");
  fail_unless (cb_delivered (r));
  fail_unless_equals_int (cb_uint (r, "attempts"), 1);
  fail_unless_equals_int (cb_uint (r, "http-status"), 200);
  fail_unless_equals_string (cb_string (r, "body"), q->body);
  fail_unless_equals_string (cb_string (r, "callback-url"), rx.url);
  if (location != NULL) {
    gchar *file = NULL;

    fail_unless (g_file_get_contents (location, &file, NULL, NULL));
    fail_unless_equals_string (file, q->body);
    fail_unless_equals_string (cb_string (r, "location"), location);
    g_free (file);
  }
  return kvs_json_parse (q->body);
}

static JsonObject *
member_object (JsonObject * o, const gchar * name)
{
  JsonNode *n = json_object_get_member (o, name);

  fail_unless (n != NULL && JSON_NODE_HOLDS_OBJECT (n), "no object %s", name);
  return json_node_get_object (n);
}

static JsonArray *
member_array (JsonObject * o, const gchar * name)
{
  JsonNode *n = json_object_get_member (o, name);

  fail_unless (n != NULL && JSON_NODE_HOLDS_ARRAY (n), "no array %s", name);
  return json_node_get_array (n);
}

/* a JSON-in-string member: a string, byte for byte @want, that parses */
static void
assert_document (JsonObject * o, const gchar * name, const gchar * want)
{
  JsonNode *n = json_object_get_member (o, name), *doc;

  fail_unless (n != NULL && JSON_NODE_TYPE (n) == JSON_NODE_VALUE &&
      json_node_get_value_type (n) == G_TYPE_STRING, "%s: not a string", name);
  fail_unless_equals_string (json_node_get_string (n), want);
  doc = kvs_json_parse (json_node_get_string (n));
  json_node_unref (doc);
}

static void
assert_task_id (const gchar * id)
{
  GDateTime *now = g_date_time_new_now_local ();
  gchar *date = g_date_time_format (now, "%Y%m%d");
  guint i;

  fail_unless_equals_int (strlen (id), 40);
  for (i = 0; i < 32; i++)
    fail_unless (g_ascii_isxdigit (id[i]) && !g_ascii_isupper (id[i]));
  fail_unless_equals_string (id + 32, date);
  g_free (date);
  g_date_time_unref (now);
}

/* ---- single tasks ---- */

/* An application's element that follows the result contract
 * (kvsresult.h): a task-type property and a final message with task-type,
 * dstpath and document. kvstask must report it like the project's own. */
typedef struct
{
  GstElement parent;
} AppResult;

typedef struct
{
  GstElementClass parent_class;
} AppResultClass;

static GType app_result_get_type (void);
G_DEFINE_TYPE (AppResult, app_result, GST_TYPE_ELEMENT);

static void
app_result_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  g_value_set_string (value, "avtrans");
}

static GstStateChangeReturn
app_result_change_state (GstElement * element, GstStateChange transition)
{
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    GstStructure *s = gst_structure_new ("app-result",
        "task-type", G_TYPE_STRING, "avtrans",
        "dstpath", G_TYPE_STRING, "/media/out/app.mp4",
        "document", G_TYPE_STRING, "outMediainfo",
        "json", G_TYPE_STRING, "{\"format\":{\"format_name\":\"mp4\"}}",
        NULL);

    gst_element_post_message (element,
        gst_message_new_element (GST_OBJECT (element), s));
  }
  return GST_ELEMENT_CLASS (app_result_parent_class)->change_state (element,
      transition);
}

static void
app_result_class_init (AppResultClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->get_property = app_result_get_property;
  g_object_class_install_property (gobject_class, 1,
      g_param_spec_string ("task-type", "Task type", "the task type", NULL,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  gst_element_class_set_static_metadata (GST_ELEMENT_CLASS (klass),
      "Test result", "Testing", "A result of the contract", "tests");
  GST_ELEMENT_CLASS (klass)->change_state = app_result_change_state;
}

static void
app_result_init (AppResult * self)
{
}

/* kvstask knows no element by name: an element of the application that
 * follows the contract is a sub-task like the project's own */
GST_START_TEST (app_result_contract)
{
  gchar *desc;
  JsonNode *node;
  JsonObject *root, *details, *item;
  Run r;

  fail_unless (gst_element_register (NULL, "apptestresult", GST_RANK_NONE,
          app_result_get_type ()));
  desc = g_strdup_printf ("kvstask. ( callback-url=%s bucket=/media "
      "apptestresult fakesrc num-buffers=1 ! fakesink )", rx.url);
  run (desc, &r);
  node = delivered_body (&r, NULL);
  root = json_node_get_object (node);
  fail_unless_equals_int (json_object_get_int_member (root, "Status"), 3);
  fail_unless_equals_string (json_object_get_string_member (root, "Type"),
      "avtrans");
  details = member_object (root, "Details");
  item = json_array_get_object_element (member_array (details, "items"), 0);
  assert_keys (item, "dstpath,outMediainfo");
  fail_unless_equals_string (json_object_get_string_member (item, "dstpath"),
      "out/app.mp4");
  assert_document (item, "outMediainfo",
      "{\"format\":{\"format_name\":\"mp4\"}}");
  json_node_unref (node);
  run_clear (&r);
  g_free (desc);
}

GST_END_TEST;

GST_START_TEST (test_avinfo)
{
  gchar *cb = g_build_filename (tmpdir, "callback.json", NULL);
  gchar *desc = g_strdup_printf ("kvstask. ( callback-url=%s "
      "callback-location=%s bucket=media filesrc location=%s ! kvsprobe ! "
      "fakesink )", rx.url, cb, in_mp4);
  JsonNode *node;
  JsonObject *root, *details, *item;
  Run r;

  run (desc, &r);
  node = delivered_body (&r, cb);
  root = json_node_get_object (node);
  assert_keys (root, "TaskID,Status,Type,Details");
  assert_task_id (json_object_get_string_member (root, "TaskID"));
  fail_unless_equals_string (cb_string (&r, "task-id"),
      json_object_get_string_member (root, "TaskID"));
  fail_unless_equals_int (json_object_get_int_member (root, "Status"), 3);
  fail_unless_equals_string (json_object_get_string_member (root, "Type"),
      "avinfo");

  details = member_object (root, "Details");
  assert_keys (details, "errnum,errmsg,bucket,items");
  fail_unless_equals_int (json_object_get_int_member (details, "errnum"), 0);
  fail_unless_equals_string (json_object_get_string_member (details,
          "errmsg"), "Success");
  fail_unless_equals_string (json_object_get_string_member (details,
          "bucket"), "media");
  fail_unless_equals_int (json_array_get_length (member_array (details,
              "items")), 1);
  item = json_array_get_object_element (member_array (details, "items"), 0);
  assert_keys (item, "dstpath,metainfo");
  fail_unless_equals_string (json_object_get_string_member (item, "dstpath"),
      "");
  assert_document (item, "metainfo", result_json (&r, "kvsprobe"));

  json_node_unref (node);
  run_clear (&r);
  g_free (desc);
  g_free (cb);
}

GST_END_TEST;

GST_START_TEST (test_task_id_property)
{
  gchar *desc = g_strdup_printf ("kvstask. ( task-id=job-7 callback-url=%s "
      "filesrc location=%s ! kvsprobe ! fakesink )", rx.url, in_mp4);
  JsonNode *node;
  Run r;

  run (desc, &r);
  node = delivered_body (&r, NULL);
  fail_unless_equals_string (json_object_get_string_member
      (json_node_get_object (node), "TaskID"), "job-7");
  fail_unless_equals_string (cb_string (&r, "task-id"), "job-7");
  json_node_unref (node);
  run_clear (&r);
  g_free (desc);
}

GST_END_TEST;

/* outMediainfo of the file written downstream, reported under the bucket */
GST_START_TEST (test_avtrans_outmediainfo)
{
  gchar *out = g_build_filename (tmpdir, "out.mp4", NULL);
  gchar *desc = g_strdup_printf ("kvstask. ( callback-url=%s bucket=%s "
      "videotestsrc num-buffers=20 ! video/x-raw,width=160,height=120 ! "
      "x264enc speed-preset=ultrafast ! mp4mux ! kvsprobe format=outmediainfo ! filesink "
      "location=%s )", rx.url, tmpdir, out);
  JsonNode *node;
  JsonObject *root, *details, *item;
  Run r;

  run (desc, &r);
  node = delivered_body (&r, NULL);
  root = json_node_get_object (node);
  fail_unless_equals_string (json_object_get_string_member (root, "Type"),
      "avtrans");
  details = member_object (root, "Details");
  fail_unless_equals_string (json_object_get_string_member (details,
          "bucket"), tmpdir);
  item = json_array_get_object_element (member_array (details, "items"), 0);
  assert_keys (item, "dstpath,outMediainfo");
  fail_unless_equals_string (json_object_get_string_member (item, "dstpath"),
      "out.mp4");
  assert_document (item, "outMediainfo", result_json (&r, "kvsprobe"));

  json_node_unref (node);
  run_clear (&r);
  g_free (desc);
  g_free (out);
}

GST_END_TEST;

GST_START_TEST (test_segments)
{
  gchar *desc = g_strdup_printf ("kvstask. ( callback-url=%s bucket=%s "
      "filesrc location=%s ! qtdemux ! h264parse ! kvssegmentsink "
      "target-duration=1 location=%s/seg-%%03d.mp4 "
      "playlist-location=%s/list.m3u8 )", rx.url, tmpdir, in_mp4, tmpdir,
      tmpdir);
  JsonNode *node;
  JsonObject *root, *item;
  Run r;

  run (desc, &r);
  node = delivered_body (&r, NULL);
  root = json_node_get_object (node);
  fail_unless_equals_string (json_object_get_string_member (root, "Type"),
      "avtrans");
  item = json_array_get_object_element (member_array (member_object (root,
              "Details"), "items"), 0);
  assert_keys (item, "dstpath,segmentlisttype,segmentsinfo");
  fail_unless_equals_string (json_object_get_string_member (item, "dstpath"),
      "list.m3u8");
  fail_unless_equals_string (json_object_get_string_member (item,
          "segmentlisttype"), "m3u8");
  assert_document (item, "segmentsinfo", result_json (&r, "kvssegmentsink"));

  json_node_unref (node);
  run_clear (&r);
  g_free (desc);
}

GST_END_TEST;

GST_START_TEST (test_avsnapshot)
{
  gchar *desc = g_strdup_printf ("kvstask. ( callback-url=%s bucket=%s "
      "filesrc location=%s ! qtdemux name=d d.video_0 ! decodebin ! "
      "kvssnapshot times=0.2,1 "
      "location=%s/snap-%%02d.jpg )", rx.url, tmpdir, in_mp4, tmpdir);
  JsonNode *node;
  JsonObject *root, *details, *item;
  Run r;

  run (desc, &r);
  node = delivered_body (&r, NULL);
  root = json_node_get_object (node);
  fail_unless_equals_string (json_object_get_string_member (root, "Type"),
      "avsnapshot");
  details = member_object (root, "Details");
  assert_keys (details, "errnum,errmsg,bucket,snapshotNum,items");
  fail_unless_equals_int (json_object_get_int_member (details,
          "snapshotNum"), 2);
  item = json_array_get_object_element (member_array (details, "items"), 0);
  assert_keys (item, "dstpath");
  fail_unless_equals_string (json_object_get_string_member (item, "dstpath"),
      "snap-%02d.jpg");

  json_node_unref (node);
  run_clear (&r);
  g_free (desc);
}

GST_END_TEST;

GST_START_TEST (test_legacy)
{
  gchar *desc = g_strdup_printf ("kvstask. ( callback-url=%s legacy=true "
      "filesrc location=%s ! kvsprobe ! fakesink )", rx.url, in_mp4);
  JsonNode *node;
  JsonObject *root, *itme;
  JsonArray *keys;
  Run r;

  run (desc, &r);
  node = delivered_body (&r, NULL);
  root = json_node_get_object (node);
  assert_keys (root, "taskid,status,type,itmes,details");
  fail_unless_equals_int (json_object_get_int_member (root, "status"), 3);
  fail_unless_equals_int (json_array_get_length (member_array (root,
              "itmes")), 1);
  itme = json_array_get_object_element (member_array (root, "itmes"), 0);
  assert_keys (itme, "cmd,desc,keys,code");
  fail_unless_equals_string (json_object_get_string_member (itme, "cmd"),
      "tag=avinfo");
  fail_unless_equals_string (json_object_get_string_member (itme, "desc"),
      "success");
  keys = member_array (itme, "keys");
  fail_unless_equals_int (json_array_get_length (keys), 1);
  fail_unless_equals_string (json_array_get_string_element (keys, 0), "");
  fail_unless_equals_int (json_object_get_int_member (itme, "code"), 3);
  assert_document (json_array_get_object_element (member_array
          (member_object (root, "details"), "items"), 0), "metainfo",
      result_json (&r, "kvsprobe"));

  json_node_unref (node);
  run_clear (&r);
  g_free (desc);
}

GST_END_TEST;

/* A path that is not UTF-8 (a Latin-1 file name) still gives a valid
 * UTF-8 JSON body: the byte becomes U+FFFD. */
GST_START_TEST (test_invalid_utf8_path)
{
  gchar *wave = g_strdup_printf ("%s/w\xe9.json", tmpdir);
  gchar *desc = g_strdup_printf ("kvstask. ( callback-url=%s bucket=%s "
      "filesrc location=%s ! wavparse ! kvswave name=w points=20 ! "
      "fakesink )", rx.url, tmpdir, in_wav);
  GstElement *task, *p = in_pipeline (desc, &task), *w;
  JsonNode *node;
  JsonObject *item;

  w = gst_bin_get_by_name (GST_BIN (task), "w");
  g_object_set (w, "json-location", wave, NULL);
  play_to (p, GST_MESSAGE_EOS);
  gst_element_set_state (p, GST_STATE_NULL);

  fail_unless_equals_int (n_requests (), 1);
  node = kvs_json_parse (request (0)->body);
  item = json_array_get_object_element (member_array (member_object
          (json_node_get_object (node), "Details"), "items"), 0);
  fail_unless_equals_string (json_object_get_string_member (item, "dstpath"),
      "w\xef\xbf\xbd.json");

  json_node_unref (node);
  g_unlink (wave);
  gst_object_unref (w);
  gst_object_unref (p);
  g_free (desc);
  g_free (wave);
}

GST_END_TEST;

/* ---- streaming ---- */

/* Two sub-tasks on one source, in the order they were added: sampled
 * sprite sheets (avsample, thumnailsinfo) and the waveform. */
GST_START_TEST (test_streaming)
{
  gchar *wave = g_build_filename (tmpdir, "wave.json", NULL);
  gchar *desc = g_strdup_printf ("kvstask. ( callback-url=%s bucket=%s "
      "filesrc location=%s ! qtdemux name=d d.video_0 ! queue ! decodebin ! "
      "kvssnapshot interval=0.5 columns=2 rows=1 tile-width=40 "
      "tile-height=30 location=%s/sheet-%%02d.jpg d.audio_0 ! queue ! "
      "decodebin ! audioconvert ! kvswave points=20 json-location=%s ! "
      "fakesink )", rx.url, tmpdir, in_mp4, tmpdir, wave);
  JsonNode *node, *doc;
  JsonObject *root, *d0, *d1, *out0, *out1;
  JsonArray *details;
  gchar *thumbs;
  Run r;

  run (desc, &r);
  node = delivered_body (&r, NULL);
  root = json_node_get_object (node);
  assert_keys (root, "TaskID,Status,Details");
  fail_unless_equals_int (json_object_get_int_member (root, "Status"), 3);
  details = member_array (root, "Details");
  fail_unless_equals_int (json_array_get_length (details), 2);

  d0 = json_array_get_object_element (details, 0);
  assert_keys (d0, "Order,Type,Status,Errnum,Errmsg,Bucket,OutInfo");
  fail_unless_equals_int (json_object_get_int_member (d0, "Order"), 0);
  fail_unless_equals_string (json_object_get_string_member (d0, "Type"),
      "avsample");
  fail_unless_equals_int (json_object_get_int_member (d0, "Status"), 3);
  fail_unless_equals_int (json_object_get_int_member (d0, "Errnum"), 0);
  fail_unless_equals_string (json_object_get_string_member (d0, "Errmsg"), "");
  fail_unless_equals_string (json_object_get_string_member (d0, "Bucket"),
      tmpdir);
  out0 = member_object (d0, "OutInfo");
  assert_keys (out0, "dstpath,snapshotNum,thumnailsinfo");
  fail_unless_equals_string (json_object_get_string_member (out0, "dstpath"),
      "sheet-%02d.jpg");
  fail_unless (json_object_get_int_member (out0, "snapshotNum") >= 4);
  /* the element's sheets, as a JSON string, each thumbnailpath relative
   * to the bucket (the element's own paths are under it) */
  doc = kvs_json_parse (result_json (&r, "kvssnapshot"));
  thumbs = json_to_string (json_object_get_member (json_node_get_object (doc),
          "thumnailsinfo"), FALSE);
  {
    gchar *prefix = g_strconcat ("\"", tmpdir, "/", NULL);
    gchar **parts = g_strsplit (thumbs, prefix, -1);
    gchar *relative = g_strjoinv ("\"", parts);

    fail_unless (g_strv_length (parts) >= 3, "sheets not under the bucket");
    assert_document (out0, "thumnailsinfo", relative);
    g_free (relative);
    g_strfreev (parts);
    g_free (prefix);
  }
  g_free (thumbs);

  d1 = json_array_get_object_element (details, 1);
  fail_unless_equals_int (json_object_get_int_member (d1, "Order"), 1);
  fail_unless_equals_string (json_object_get_string_member (d1, "Type"),
      "wave");
  out1 = member_object (d1, "OutInfo");
  assert_keys (out1, "dstpath");
  fail_unless_equals_string (json_object_get_string_member (out1, "dstpath"),
      "wave.json");

  json_node_unref (doc);
  json_node_unref (node);
  run_clear (&r);
  g_free (desc);
  g_free (wave);
}

GST_END_TEST;

/* Elements inside nested bins report in the order of the description,
 * though a bin added whole hands its children over newest first. */
GST_START_TEST (test_streaming_nested_order)
{
  gchar *desc = g_strdup_printf ("kvstask. ( callback-url=%s bucket=%s "
      "bin. ( filesrc location=%s ! wavparse ! kvswave json-location=%s/1.json "
      "! fakesink bin. ( filesrc location=%s ! wavparse ! kvswave "
      "json-location=%s/2.json ! fakesink ) ) filesrc location=%s ! wavparse "
      "! kvswave json-location=%s/3.json ! fakesink )", rx.url, tmpdir,
      in_wav, tmpdir, in_wav, tmpdir, in_wav, tmpdir);
  JsonNode *node;
  JsonArray *details;
  guint i;
  Run r;

  run (desc, &r);
  node = delivered_body (&r, NULL);
  details = member_array (json_node_get_object (node), "Details");
  fail_unless_equals_int (json_array_get_length (details), 3);
  for (i = 0; i < 3; i++) {
    JsonObject *d = json_array_get_object_element (details, i);
    gchar *want = g_strdup_printf ("%u.json", i + 1);

    fail_unless_equals_int (json_object_get_int_member (d, "Order"), i);
    fail_unless_equals_string (json_object_get_string_member (member_object
            (d, "OutInfo"), "dstpath"), want);
    g_free (want);
  }

  json_node_unref (node);
  run_clear (&r);
  g_free (desc);
}

GST_END_TEST;

/* A run that failed while prerolling, then a new run of the same bin in
 * the same pipeline: its own callback, with the task-id set in READY. */
GST_START_TEST (test_rerun_after_failure)
{
  gchar *noise = make_noise ();
  gchar *desc = g_strdup_printf ("kvstask. ( callback-url=%s "
      "filesrc name=src location=%s ! decodebin ! audioconvert ! kvswave ! "
      "fakesink )", rx.url, noise);
  GstElement *task, *p = in_pipeline (desc, &task), *src;
  JsonNode *node;

  src = gst_bin_get_by_name (GST_BIN (task), "src");

  /* 1: the error comes from a streaming thread while prerolling */
  play_to (p, GST_MESSAGE_ERROR);
  fail_unless_equals_int (n_requests (), 1);
  gst_element_set_state (p, GST_STATE_READY);

  /* 2: good input, a task id given in READY */
  g_object_set (src, "location", in_wav, NULL);
  g_object_set (task, "task-id", "second", NULL);
  play_to (p, GST_MESSAGE_EOS);
  gst_element_set_state (p, GST_STATE_NULL);

  fail_unless_equals_int (n_requests (), 2);
  node = kvs_json_parse (request (1)->body);
  fail_unless_equals_string (json_object_get_string_member
      (json_node_get_object (node), "TaskID"), "second");
  fail_unless_equals_int (json_object_get_int_member (json_node_get_object
          (node), "Status"), 3);
  json_node_unref (node);
  node = kvs_json_parse (request (0)->body);
  fail_unless_equals_int (json_object_get_int_member (json_node_get_object
          (node), "Status"), 4);
  json_node_unref (node);

  gst_object_unref (src);
  gst_object_unref (p);
  g_free (desc);
  g_free (noise);
}

GST_END_TEST;

/* streaming=true for one result gives the streaming body too */
GST_START_TEST (test_streaming_one)
{
  gchar *desc = g_strdup_printf ("kvstask. ( callback-url=%s streaming=true "
      "type=avtrans filesrc location=%s ! kvsprobe ! fakesink )", rx.url,
      in_mp4);
  JsonNode *node;
  JsonArray *details;
  JsonObject *d0;
  Run r;

  run (desc, &r);
  node = delivered_body (&r, NULL);
  details = member_array (json_node_get_object (node), "Details");
  fail_unless_equals_int (json_array_get_length (details), 1);
  d0 = json_array_get_object_element (details, 0);
  fail_unless_equals_string (json_object_get_string_member (d0, "Type"),
      "avtrans");
  assert_keys (member_object (d0, "OutInfo"), "dstpath,metainfo");

  json_node_unref (node);
  run_clear (&r);
  g_free (desc);
}

GST_END_TEST;

/* ---- failures ---- */

/* @desc fails with @errnum: one error reaches the application, after the
 * failure callback; the body has the code and its documented message. */
static void
check_failure (const gchar * desc, const gchar * type, gint errnum)
{
  JsonNode *node;
  JsonObject *root, *details;
  gint got = 0;
  Run r;

  g_mutex_lock (&rx.lock);
  g_ptr_array_set_size (rx.requests, 0);
  g_mutex_unlock (&rx.lock);

  run (desc, &r);
  fail_unless (r.error != NULL, "no error: %s", desc);
  fail_unless_equals_int (r.n_errors, 1);
  fail_unless_equals_int (n_requests (), 1);
  fail_unless (cb_delivered (&r));
  fail_unless (gst_structure_get_int (gst_message_get_structure (r.callback),
          "errnum", &got));
  fail_unless_equals_int (got, errnum);

  node = kvs_json_parse (request (0)->body);
  root = json_node_get_object (node);
  fail_unless_equals_int (json_object_get_int_member (root, "Status"), 4);
  fail_unless_equals_string (json_object_get_string_member (root, "Type"),
      type);
  details = member_object (root, "Details");
  assert_keys (details, "errnum,errmsg,bucket,items");
  fail_unless_equals_int (json_object_get_int_member (details, "errnum"),
      errnum);
  fail_unless_equals_string (json_object_get_string_member (details,
          "errmsg"), kvs_callback_error_message (errnum));
  fail_unless_equals_int (json_array_get_length (member_array (details,
              "items")), 0);

  json_node_unref (node);
  run_clear (&r);
}

GST_START_TEST (test_failures)
{
  gchar *missing = g_build_filename (tmpdir, "missing.mp4", NULL);
  gchar *empty = g_build_filename (tmpdir, "empty.mp4", NULL);
  gchar *noise = make_noise ();
  gchar *desc;

  fail_unless (g_file_set_contents (empty, "", 0, NULL));

  /* no such file: from filesrc, in READY->PAUSED */
  desc = g_strdup_printf ("kvstask. ( callback-url=%s filesrc location=%s ! "
      "kvsprobe ! fakesink )", rx.url, missing);
  check_failure (desc, "avinfo", KVS_ERRNUM_HTTP_NOT_FOUND);
  g_free (desc);

  /* a directory as input: unreadable */
  desc = g_strdup_printf ("kvstask. ( callback-url=%s filesrc location=%s ! "
      "kvsprobe ! fakesink )", rx.url, tmpdir);
  check_failure (desc, "avinfo", KVS_ERRNUM_INPUT_UNREADABLE);
  g_free (desc);

  /* the element's own code */
  desc = g_strdup_printf ("kvstask. ( callback-url=%s filesrc location=%s ! "
      "kvsprobe ! fakesink )", rx.url, empty);
  check_failure (desc, "avinfo", KVS_ERRNUM_PROBE_EOF);
  g_free (desc);

  /* data no demuxer takes, in a streaming thread */
  desc = g_strdup_printf ("kvstask. ( callback-url=%s filesrc location=%s ! "
      "decodebin ! audioconvert ! kvswave ! fakesink )", rx.url, noise);
  check_failure (desc, "wave", KVS_ERRNUM_INVALID_DATA);
  g_free (desc);

  g_free (noise);
  g_free (empty);
  g_free (missing);
}

GST_END_TEST;

/* In a streaming task the sub-task without a result fails, the one that
 * finished keeps its result. The failing one (no audio sample reaches
 * kvswave) ends a live source's second after the probe's result. */
GST_START_TEST (test_streaming_failure)
{
  gchar *desc = g_strdup_printf ("kvstask. ( callback-url=%s "
      "filesrc location=%s ! kvsprobe audiotestsrc is-live=true "
      "num-buffers=20 samplesperbuffer=400 ! audio/x-raw,rate=8000 ! "
      "identity drop-probability=1 ! kvswave ! fakesink )", rx.url, in_mp4);
  JsonNode *node;
  JsonArray *details;
  JsonObject *d0, *d1;
  Run r;

  run (desc, &r);
  fail_unless (r.error != NULL);
  fail_unless_equals_int (r.n_errors, 1);
  node = kvs_json_parse (request (0)->body);
  fail_unless_equals_int (json_object_get_int_member (json_node_get_object
          (node), "Status"), 4);
  details = member_array (json_node_get_object (node), "Details");
  fail_unless_equals_int (json_array_get_length (details), 2);
  d0 = json_array_get_object_element (details, 0);
  fail_unless_equals_string (json_object_get_string_member (d0, "Type"),
      "avinfo");
  fail_unless_equals_int (json_object_get_int_member (d0, "Status"), 3);
  assert_document (member_object (d0, "OutInfo"), "metainfo",
      result_json (&r, "kvsprobe"));
  d1 = json_array_get_object_element (details, 1);
  fail_unless_equals_string (json_object_get_string_member (d1, "Type"),
      "wave");
  fail_unless_equals_int (json_object_get_int_member (d1, "Status"), 4);
  fail_unless_equals_int (json_object_get_int_member (d1, "Errnum"),
      KVS_ERRNUM_NO_AV_DATA);
  fail_unless_equals_string (json_object_get_string_member (d1, "Errmsg"),
      kvs_callback_error_message (KVS_ERRNUM_NO_AV_DATA));

  json_node_unref (node);
  run_clear (&r);
  g_free (desc);
}

GST_END_TEST;

GST_START_TEST (test_bad_url)
{
  const gchar *urls[] = { "ftp://127.0.0.1/cb", "file:///tmp/cb",
    "http://", "not a url"
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (urls); i++) {
    GstElement *task = gst_element_factory_make ("kvstask", NULL);
    GstBus *bus = gst_bus_new ();
    GstMessage *m;
    gint errnum = 0;

    gst_element_set_bus (task, bus);
    g_object_set (task, "callback-url", urls[i], NULL);
    fail_unless_equals_int (gst_element_set_state (task, GST_STATE_READY),
        GST_STATE_CHANGE_FAILURE);
    m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    fail_unless (m != NULL, "%s", urls[i]);
    fail_unless (kvs_error_message_parse_errnum (m, &errnum, NULL));
    fail_unless_equals_int (errnum, KVS_ERRNUM_PARSE_URL);
    gst_message_unref (m);
    gst_element_set_state (task, GST_STATE_NULL);
    gst_element_set_bus (task, NULL);
    gst_object_unref (bus);
    gst_object_unref (task);
  }
}

GST_END_TEST;

/* ---- delivery ---- */

GST_START_TEST (test_retry_then_delivered)
{
  gchar *desc = g_strdup_printf ("kvstask. ( callback-url=%s filesrc "
      "location=%s ! kvsprobe ! fakesink )", rx.url, in_mp4);
  Run r;

  receiver_script (500, 503, 0);
  run (desc, &r);
  fail_unless (r.eos);
  fail_unless_equals_int (n_requests (), 3);
  fail_unless_equals_int (request (0)->status, 500);
  fail_unless_equals_int (request (1)->status, 503);
  fail_unless_equals_int (request (2)->status, 200);
  /* one key for every attempt, counted */
  fail_unless_equals_string (request (1)->key, request (0)->key);
  fail_unless_equals_string (request (2)->key, request (0)->key);
  fail_unless_equals_string (request (0)->attempt, "1");
  fail_unless_equals_string (request (2)->attempt, "3");
  fail_unless_equals_string (request (2)->body, request (0)->body);
  fail_unless (cb_delivered (&r));
  fail_unless_equals_int (cb_uint (&r, "attempts"), 3);
  fail_unless_equals_int (cb_uint (&r, "http-status"), 200);
  fail_unless_equals_int (r.n_warnings, 0);

  run_clear (&r);
  g_free (desc);
}

GST_END_TEST;

/* an attempt that gets no answer in time is retried, with the same key */
GST_START_TEST (test_timeout_retried)
{
  gchar *desc = g_strdup_printf ("kvstask. ( callback-url=%s timeout=1 "
      "filesrc location=%s ! kvsprobe ! fakesink )", rx.url, in_mp4);
  Run r;

  receiver_script (HANG, 0);
  run (desc, &r);
  fail_unless (r.eos);
  fail_unless_equals_int (n_requests (), 2);
  fail_unless_equals_string (request (1)->key, request (0)->key);
  fail_unless_equals_string (request (1)->attempt, "2");
  fail_unless (cb_delivered (&r));
  fail_unless_equals_int (cb_uint (&r, "attempts"), 2);
  fail_unless_equals_int (cb_uint (&r, "http-status"), 200);

  run_clear (&r);
  g_free (desc);
}

GST_END_TEST;

/* Stopping the pipeline while the receiver does not answer cuts the
 * delivery short at once; the body stays in callback-location. */
GST_START_TEST (test_stop_during_delivery)
{
  gchar *cb = g_build_filename (tmpdir, "callback.json", NULL);
  gchar *desc = g_strdup_printf ("kvstask. ( callback-url=%s timeout=60 "
      "callback-location=%s filesrc location=%s ! kvsprobe ! fakesink )",
      rx.url, cb, in_mp4);
  GstElement *p = in_pipeline (desc, NULL);
  gint64 start;

  receiver_script (HANG, 0);
  gst_element_set_state (p, GST_STATE_PLAYING);
  g_mutex_lock (&rx.lock);
  while (rx.requests->len == 0)
    g_cond_wait (&rx.cond, &rx.lock);
  g_mutex_unlock (&rx.lock);
  fail_unless (g_file_test (cb, G_FILE_TEST_EXISTS));

  start = g_get_monotonic_time ();
  gst_element_set_state (p, GST_STATE_NULL);
  fail_unless (g_get_monotonic_time () - start < 5 * G_USEC_PER_SEC);
  fail_unless_equals_int (n_requests (), 1);

  gst_object_unref (p);
  g_free (desc);
  g_free (cb);
}

GST_END_TEST;

/* a 4xx other than 429 is final: one attempt, reported undelivered */
GST_START_TEST (test_client_error_final)
{
  gchar *cb = g_build_filename (tmpdir, "callback.json", NULL);
  gchar *desc = g_strdup_printf ("kvstask. ( callback-url=%s "
      "callback-location=%s filesrc location=%s ! kvsprobe ! fakesink )",
      rx.url, cb, in_mp4);
  gchar *file = NULL;
  Run r;

  receiver_script (404, 0);
  run (desc, &r);
  fail_unless (r.eos);
  fail_unless_equals_int (n_requests (), 1);
  fail_unless (!cb_delivered (&r));
  fail_unless_equals_int (cb_uint (&r, "attempts"), 1);
  fail_unless_equals_int (cb_uint (&r, "http-status"), 404);
  fail_unless (strstr (cb_string (&r, "error"), "404") != NULL);
  fail_unless_equals_int (r.n_warnings, 1);
  fail_unless (g_file_get_contents (cb, &file, NULL, NULL));
  fail_unless_equals_string (file, request (0)->body);

  g_free (file);
  run_clear (&r);
  g_free (desc);
  g_free (cb);
}

GST_END_TEST;

/* a port where nothing listens */
static gchar *
closed_url (void)
{
  GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, NULL);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *a = g_inet_socket_address_new (lo, 0), *bound;
  gchar *url;

  fail_unless (g_socket_bind (s, a, FALSE, NULL));
  bound = g_socket_get_local_address (s, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/cb",
      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_object_unref (bound);
  g_object_unref (a);
  g_object_unref (lo);
  g_object_unref (s);
  return url;
}

GST_START_TEST (test_receiver_down)
{
  gchar *url = closed_url ();
  gchar *cb = g_build_filename (tmpdir, "callback.json", NULL);
  gchar *desc = g_strdup_printf ("kvstask. ( callback-url=%s max-retries=2 "
      "callback-location=%s filesrc location=%s ! kvsprobe ! fakesink )",
      url, cb, in_mp4);
  gchar *file = NULL;
  gint errnum = 0;
  Run r;

  run (desc, &r);
  fail_unless (r.eos);
  fail_unless (!cb_delivered (&r));
  fail_unless_equals_int (cb_uint (&r, "attempts"), 3);
  fail_unless_equals_int (cb_uint (&r, "http-status"), 0);
  fail_unless (cb_string (&r, "error") != NULL);
  /* not lost: in the file, and the warning says where */
  fail_unless (g_file_get_contents (cb, &file, NULL, NULL));
  fail_unless_equals_string (file, cb_string (&r, "body"));
  fail_unless_equals_int (r.n_warnings, 1);
  fail_unless (kvs_error_message_parse_errnum (r.warning, &errnum, NULL));
  fail_unless_equals_int (errnum, KVS_ERRNUM_HTTP_CALLBACK);

  g_free (file);
  run_clear (&r);
  g_free (desc);
  g_free (cb);
  g_free (url);
}

GST_END_TEST;

/* no callback-url: nothing is sent, the body is still reported */
GST_START_TEST (test_no_url)
{
  gchar *cb = g_build_filename (tmpdir, "callback.json", NULL);
  gchar *desc = g_strdup_printf ("kvstask. ( callback-location=%s "
      "filesrc location=%s ! kvsprobe ! fakesink )", cb, in_mp4);
  gchar *file = NULL;
  Run r;

  run (desc, &r);
  fail_unless (r.eos);
  fail_unless_equals_int (n_requests (), 0);
  fail_unless (!cb_delivered (&r));
  fail_unless_equals_int (cb_uint (&r, "attempts"), 0);
  fail_unless_equals_int (r.n_warnings, 0);
  fail_unless (g_file_get_contents (cb, &file, NULL, NULL));
  fail_unless_equals_string (file, cb_string (&r, "body"));

  g_free (file);
  run_clear (&r);
  g_free (desc);
  g_free (cb);
}

GST_END_TEST;

/* progress callbacks while a 1.5 s clip plays in real time */
GST_START_TEST (test_progress)
{
  gchar *desc = g_strdup_printf ("kvstask. ( callback-url=%s "
      "progress-interval=0.2 filesrc location=%s ! wavparse ! kvswave "
      "points=20 ! fakesink sync=true )", rx.url, in_wav);
  const gchar *task_id;
  gint64 last = -1, lowest = -1;
  guint i, n, n_progress = 0;
  Run r;

  run (desc, &r);
  fail_unless (r.eos);
  task_id = cb_string (&r, "task-id");
  n = n_requests ();
  for (i = 0; i < n; i++) {
    JsonNode *node = kvs_json_parse (request (i)->body);
    JsonObject *root = json_node_get_object (node), *details;

    fail_unless_equals_string (json_object_get_string_member (root,
            "TaskID"), task_id);
    if (i == n - 1) {
      fail_unless_equals_int (json_object_get_int_member (root, "Status"), 3);
      json_node_unref (node);
      break;
    }
    assert_keys (root, "TaskID,Status,Type,Details");
    fail_unless_equals_int (json_object_get_int_member (root, "Status"), 2);
    fail_unless_equals_string (json_object_get_string_member (root, "Type"),
        "wave");
    details = member_object (root, "Details");
    assert_keys (details, "status,progress");
    fail_unless_equals_string (json_object_get_string_member (details,
            "status"), "transcoding");
    fail_unless (json_object_get_int_member (details, "progress") >= last);
    last = json_object_get_int_member (details, "progress");
    if (lowest < 0)
      lowest = last;
    fail_unless (last >= 0 && last <= 100);
    n_progress++;
    json_node_unref (node);
  }
  /* about 7 ticks in 1.5 s; allow a loaded machine half of them */
  fail_unless (n_progress >= 3, "%u progress callbacks", n_progress);
  fail_unless (last > lowest, "progress did not increase");

  run_clear (&r);
  g_free (desc);
}

GST_END_TEST;

static Suite *
kvstask_suite (void)
{
  Suite *s = suite_create ("kvstask");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_avinfo);
  tcase_add_test (tc, app_result_contract);
  tcase_add_test (tc, test_task_id_property);
  tcase_add_test (tc, test_avtrans_outmediainfo);
  tcase_add_test (tc, test_segments);
  tcase_add_test (tc, test_avsnapshot);
  tcase_add_test (tc, test_legacy);
  tcase_add_test (tc, test_invalid_utf8_path);
  tcase_add_test (tc, test_streaming);
  tcase_add_test (tc, test_streaming_one);
  tcase_add_test (tc, test_streaming_nested_order);
  tcase_add_test (tc, test_rerun_after_failure);
  tcase_add_test (tc, test_failures);
  tcase_add_test (tc, test_streaming_failure);
  tcase_add_test (tc, test_bad_url);
  tcase_add_test (tc, test_retry_then_delivered);
  tcase_add_test (tc, test_timeout_retried);
  tcase_add_test (tc, test_stop_during_delivery);
  tcase_add_test (tc, test_client_error_final);
  tcase_add_test (tc, test_receiver_down);
  tcase_add_test (tc, test_no_url);
  tcase_add_test (tc, test_progress);

  return s;
}

GST_CHECK_MAIN (kvstask);
