/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/**
 * SECTION:element-kvstask
 * @title: kvstask
 *
 * A bin that runs one task of the VOD service locally and reports it the
 * way the service does: it watches the results of the kvs elements inside
 * it (`kvsprobe`, `kvswave`, `kvssnapshot`, `kvssegmentsink`) and, when the
 * pipeline ends, builds the documented callback body (docs/callback.md)
 * and POSTs it to #GstKvsTask:callback-url with libsoup 3.
 *
 * One result gives the single-task body, whose `Type` comes from the
 * element: `avinfo` (kvsprobe format=metainfo), `avtrans` (kvsprobe
 * format=outmediainfo; kvssegmentsink, with `segmentlisttype` `m3u8`),
 * `wave` (kvswave), `avsnapshot` (kvssnapshot times) or `avsample`
 * (kvssnapshot interval, sprite sheets included); #GstKvsTask:type
 * overrides it. Several results, or #GstKvsTask:streaming, give the
 * streaming body: one `Details` entry per kvs element, `Order` being the
 * order in which the elements were added to the bin.
 *
 * An error of any child fails the task: `Status` 4, with the child's
 * documented code when it attached one, else the code mapped from the
 * GStreamer error (docs/errors.md). The error, like the bin's EOS, is held
 * until the delivery ended: so `gst-launch-1.0` exits after the callback
 * was sent, and only the first error of a task is reported.
 *
 * Delivery: `POST` with `Content-Type: application/json`, retried with
 * exponential backoff and jitter (0.5 s doubling, at most 30 s; a
 * `Retry-After` of up to 60 s is honoured) after a connection failure, a
 * timeout, 429 or a 5xx; any other status is final and redirects are not
 * followed. Every attempt carries the same `Idempotency-Key` header (and
 * `X-Kvs-Attempt`, counted from 1), so a receiver can drop duplicates. The
 * body is written to #GstKvsTask:callback-location before the first
 * attempt; a callback that was not delivered stays there, and a warning
 * says so.
 *
 * Progress callbacks (`Status` 2, `status` `transcoding`, `progress` the
 * percentage of the position in the duration, never decreasing) are sent
 * every #GstKvsTask:progress-interval seconds, once each, without retries;
 * a tick where position or duration is unknown sends nothing.
 *
 * ## Messages
 *
 * `kvstask-callback`, posted before the bin's EOS or error goes on:
 *
 * | field | type | meaning |
 * |---|---|---|
 * | `task-id` | string | the body's `TaskID` |
 * | `status` | int | the body's `Status`: 3 success, 4 failure |
 * | `errnum` | int | the task's code: 0, or the documented callback code |
 * | `body` | string | the callback body |
 * | `delivered` | boolean | a 2xx answer was received |
 * | `attempts` | uint | POSTs made (0 without a `callback-url`) |
 * | `http-status` | uint | the last answer's status, 0 when none came |
 * | `callback-url` | string | where it was sent, when set |
 * | `location` | string | #GstKvsTask:callback-location, when set |
 * | `error` | string | why it was not delivered, when it was not |
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 kvstask.\( callback-url=http://127.0.0.1:8080/cb callback-location=callback.json filesrc location=in.mp4 ! kvsprobe json-location=meta.json ! fakesink \)
 * ]| Probes in.mp4 and POSTs the `avinfo` callback, with the metainfo as a
 * JSON string, to the receiver; the body is also kept in callback.json.
 * |[
 * gst-launch-1.0 kvstask.\( streaming=true callback-location=callback.json filesrc location=in.mp4 ! qtdemux name=d d.video_0 ! queue ! decodebin ! kvssnapshot times=0.5 location=snap-%02d.jpg d.audio_0 ! queue ! decodebin ! audioconvert ! kvswave points=100 json-location=wave.json ! fakesink \)
 * ]| Two sub-tasks on one source, reported in one streaming body (written
 * to callback.json only: no `callback-url`).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstkvstask.h"

#include <string.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <gst/pbutils/pbutils.h>

#include "kvscallback.h"
#include "kvserrors.h"
#include "kvshttp.h"
#include "kvsresult.h"

GST_DEBUG_CATEGORY_STATIC (gst_kvs_task_debug);
#define GST_CAT_DEFAULT gst_kvs_task_debug

#define DEFAULT_STREAMING FALSE
#define DEFAULT_LEGACY FALSE
#define DEFAULT_PROGRESS_INTERVAL 0.0
#define DEFAULT_MAX_RETRIES 5
#define DEFAULT_TIMEOUT 10

enum
{
  PROP_0,
  PROP_TASK_ID,
  PROP_CALLBACK_URL,
  PROP_BUCKET,
  PROP_BUCKET_DIR,
  PROP_CALLBACK_LOCATION,
  PROP_TYPE,
  PROP_STREAMING,
  PROP_LEGACY,
  PROP_PROGRESS_INTERVAL,
  PROP_MAX_RETRIES,
  PROP_TIMEOUT,
};

/* one kvs element of the task, and its result once posted */
typedef struct
{
  GstElement *element;
  gboolean has_result;
  gchar *type;
  gchar *dstpath;
  gchar *segmentlisttype;
  gchar *metainfo;
  gchar *out_mediainfo;
  gchar *segmentsinfo;
  gchar *thumnailsinfo;
  gint snapshot_num;
} KvsTaskEntry;

/* the final callback, handed to the delivery thread */
typedef struct
{
  gchar *body;
  gint status;
  gint errnum;
} KvsFinal;

struct _GstKvsTask
{
  GstBin parent;

  /* properties, under the object lock */
  gchar *task_id;
  gchar *callback_url;
  gchar *bucket;
  gchar *bucket_dir;
  gchar *callback_location;
  gchar *type;
  gboolean streaming;
  gboolean legacy;
  gdouble progress_interval;
  guint max_retries;
  guint timeout;

  /* the run, under lock; never held while calling out */
  GMutex lock;
  GPtrArray *entries;           /* KvsTaskEntry, in the order added */
  gchar *run_task_id;
  GstMessage *missing;          /* the last missing-plugin message */
  GstMessage *held;             /* the EOS or first error, until delivered */
  gboolean held_error;
  GstMessage *late_error;       /* an error that came while the EOS was held */
  GstMessage *late_eos;         /* an EOS that came while an error was held */
  gboolean released;            /* the held message went on */
  gboolean finishing;           /* the final callback was started */
  gboolean failed;
  gboolean stopping;
  GThread *changing;            /* the thread in change_state() */
  GstObject *error_src;
  gint errnum;
  gint last_progress;

  /* the delivery thread: started on demand, joined in PAUSED->READY */
  GThread *worker;
  gboolean worker_exited;
  GAsyncQueue *jobs;            /* KvsFinal, or &stop_job */
  GCancellable *cancellable;
};

static gint stop_job;

#define gst_kvs_task_parent_class parent_class
G_DEFINE_TYPE (GstKvsTask, gst_kvs_task, GST_TYPE_BIN);
GST_ELEMENT_REGISTER_DEFINE (kvstask, "kvstask", GST_RANK_NONE,
    GST_TYPE_KVS_TASK);

static void gst_kvs_task_finalize (GObject * object);
static void gst_kvs_task_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_kvs_task_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn gst_kvs_task_change_state (GstElement * element,
    GstStateChange transition);
static gboolean gst_kvs_task_post_message (GstElement * element,
    GstMessage * message);
static void gst_kvs_task_handle_message (GstBin * bin, GstMessage * message);
static void gst_kvs_task_deep_element_added (GstBin * bin, GstBin * sub_bin,
    GstElement * child);
static void gst_kvs_task_deep_element_removed (GstBin * bin,
    GstBin * sub_bin, GstElement * child);

static void
install_string (GObjectClass * gobject_class, guint prop_id,
    const gchar * name, const gchar * nick, const gchar * blurb)
{
  g_object_class_install_property (gobject_class, prop_id,
      g_param_spec_string (name, nick, blurb, NULL, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
}

static void
gst_kvs_task_class_init (GstKvsTaskClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBinClass *bin_class = GST_BIN_CLASS (klass);

  gobject_class->set_property = gst_kvs_task_set_property;
  gobject_class->get_property = gst_kvs_task_get_property;
  gobject_class->finalize = gst_kvs_task_finalize;

  install_string (gobject_class, PROP_TASK_ID, "task-id", "Task ID",
      "The callback's TaskID (unset: a new one per run, 32 hex digits and "
      "the date, as the service makes them; reading gives the run's)");
  install_string (gobject_class, PROP_CALLBACK_URL, "callback-url",
      "Callback URL", "Where the callback is POSTed: an http or https URL "
      "(unset: no HTTP; the body goes to callback-location and the message)");
  install_string (gobject_class, PROP_BUCKET, "bucket", "Bucket",
      "The callback's bucket; output paths under it are reported relative "
      "to it (unless bucket-dir is set)");
  install_string (gobject_class, PROP_BUCKET_DIR, "bucket-dir",
      "Bucket directory", "The directory the bucket stands for: output "
      "paths under it are reported relative to it (unset: bucket)");
  install_string (gobject_class, PROP_CALLBACK_LOCATION, "callback-location",
      "Callback location", "Also write the final callback body to this file "
      "(atomically, before it is sent)");
  install_string (gobject_class, PROP_TYPE, "type", "Type",
      "The task Type to report (unset: from the element: avinfo, avtrans, "
      "wave, avsnapshot, avsample)");
  g_object_class_install_property (gobject_class, PROP_STREAMING,
      g_param_spec_boolean ("streaming", "Streaming",
          "Report as a streaming task (a Details array) even for one result",
          DEFAULT_STREAMING, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_LEGACY,
      g_param_spec_boolean ("legacy", "Legacy",
          "The body for old users: lower-case top-level keys and the itmes "
          "array", DEFAULT_LEGACY, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_PROGRESS_INTERVAL,
      g_param_spec_double ("progress-interval", "Progress interval",
          "Seconds between progress callbacks (0: none; needs callback-url)",
          0.0, 3600.0, DEFAULT_PROGRESS_INTERVAL, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_MAX_RETRIES,
      g_param_spec_uint ("max-retries", "Max retries",
          "Retries of the final callback after a connection failure, a "
          "timeout, 429 or 5xx", 0, 20, DEFAULT_MAX_RETRIES,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_TIMEOUT,
      g_param_spec_uint ("timeout", "Timeout",
          "Seconds one HTTP attempt may wait for the connection or the "
          "answer", 1, 600, DEFAULT_TIMEOUT, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));

  gst_element_class_set_static_metadata (element_class, "KVS task",
      "Generic/Bin",
      "Reports the results of the kvs elements inside it as the VOD "
      "service's task callback, POSTed over HTTP",
      "gst-plugins-kvs contributors");

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_kvs_task_change_state);
  element_class->post_message = GST_DEBUG_FUNCPTR (gst_kvs_task_post_message);
  bin_class->handle_message = GST_DEBUG_FUNCPTR (gst_kvs_task_handle_message);
  bin_class->deep_element_added =
      GST_DEBUG_FUNCPTR (gst_kvs_task_deep_element_added);
  bin_class->deep_element_removed =
      GST_DEBUG_FUNCPTR (gst_kvs_task_deep_element_removed);

  GST_DEBUG_CATEGORY_INIT (gst_kvs_task_debug, "kvstask", 0,
      "KVS task callback");
}

/* forgets the result, keeps the element */
static void
entry_clear_result (KvsTaskEntry * e)
{
  e->has_result = FALSE;
  e->snapshot_num = -1;
  g_clear_pointer (&e->type, g_free);
  g_clear_pointer (&e->dstpath, g_free);
  g_clear_pointer (&e->segmentlisttype, g_free);
  g_clear_pointer (&e->metainfo, g_free);
  g_clear_pointer (&e->out_mediainfo, g_free);
  g_clear_pointer (&e->segmentsinfo, g_free);
  g_clear_pointer (&e->thumnailsinfo, g_free);
}

static void
entry_free (KvsTaskEntry * e)
{
  entry_clear_result (e);
  gst_clear_object (&e->element);
  g_free (e);
}

static void
gst_kvs_task_init (GstKvsTask * self)
{
  self->streaming = DEFAULT_STREAMING;
  self->legacy = DEFAULT_LEGACY;
  self->progress_interval = DEFAULT_PROGRESS_INTERVAL;
  self->max_retries = DEFAULT_MAX_RETRIES;
  self->timeout = DEFAULT_TIMEOUT;

  g_mutex_init (&self->lock);
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->jobs = g_async_queue_new ();
}

static void
gst_kvs_task_finalize (GObject * object)
{
  GstKvsTask *self = GST_KVS_TASK (object);

  g_free (self->task_id);
  g_free (self->callback_url);
  g_free (self->bucket);
  g_free (self->bucket_dir);
  g_free (self->callback_location);
  g_free (self->type);
  g_ptr_array_unref (self->entries);
  g_free (self->run_task_id);
  gst_clear_message (&self->missing);
  gst_clear_message (&self->held);
  gst_clear_message (&self->late_eos);
  gst_clear_message (&self->late_error);
  gst_clear_object (&self->error_src);
  g_async_queue_unref (self->jobs);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_kvs_task_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstKvsTask *self = GST_KVS_TASK (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_TASK_ID:
      g_free (self->task_id);
      self->task_id = g_value_dup_string (value);
      break;
    case PROP_CALLBACK_URL:
      g_free (self->callback_url);
      self->callback_url = g_value_dup_string (value);
      break;
    case PROP_BUCKET:
      g_free (self->bucket);
      self->bucket = g_value_dup_string (value);
      break;
    case PROP_BUCKET_DIR:
      g_free (self->bucket_dir);
      self->bucket_dir = g_value_dup_string (value);
      break;
    case PROP_CALLBACK_LOCATION:
      g_free (self->callback_location);
      self->callback_location = g_value_dup_string (value);
      break;
    case PROP_TYPE:
      g_free (self->type);
      self->type = g_value_dup_string (value);
      break;
    case PROP_STREAMING:
      self->streaming = g_value_get_boolean (value);
      break;
    case PROP_LEGACY:
      self->legacy = g_value_get_boolean (value);
      break;
    case PROP_PROGRESS_INTERVAL:
      self->progress_interval = g_value_get_double (value);
      break;
    case PROP_MAX_RETRIES:
      self->max_retries = g_value_get_uint (value);
      break;
    case PROP_TIMEOUT:
      self->timeout = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_kvs_task_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstKvsTask *self = GST_KVS_TASK (object);

  switch (prop_id) {
    case PROP_TASK_ID:
      GST_OBJECT_LOCK (self);
      if (self->task_id != NULL) {
        g_value_set_string (value, self->task_id);
        GST_OBJECT_UNLOCK (self);
      } else {
        GST_OBJECT_UNLOCK (self);
        g_mutex_lock (&self->lock);
        g_value_set_string (value, self->run_task_id);
        g_mutex_unlock (&self->lock);
      }
      return;
    default:
      break;
  }

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_CALLBACK_URL:
      g_value_set_string (value, self->callback_url);
      break;
    case PROP_BUCKET:
      g_value_set_string (value, self->bucket);
      break;
    case PROP_BUCKET_DIR:
      g_value_set_string (value, self->bucket_dir);
      break;
    case PROP_CALLBACK_LOCATION:
      g_value_set_string (value, self->callback_location);
      break;
    case PROP_TYPE:
      g_value_set_string (value, self->type);
      break;
    case PROP_STREAMING:
      g_value_set_boolean (value, self->streaming);
      break;
    case PROP_LEGACY:
      g_value_set_boolean (value, self->legacy);
      break;
    case PROP_PROGRESS_INTERVAL:
      g_value_set_double (value, self->progress_interval);
      break;
    case PROP_MAX_RETRIES:
      g_value_set_uint (value, self->max_retries);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* Is @element a sub-task: does it have the result contract's read-only
 * string property? (kvsresult.h: every result-producing element has it,
 * and its final message carries `task-type` and `dstpath`.) */
static gboolean
is_sub_task (GstElement * element)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS
      (element), KVS_RESULT_TASK_TYPE_PROP);

  return pspec != NULL && pspec->value_type == G_TYPE_STRING &&
      (pspec->flags & G_PARAM_READABLE) != 0;
}

/* The task Type a sub-task reports, from its settings. */
static gchar *
element_task_type (GstElement * element)
{
  gchar *type = NULL;

  g_object_get (element, KVS_RESULT_TASK_TYPE_PROP, &type, NULL);
  return type != NULL ? type : g_strdup ("");
}

static KvsTaskEntry *
find_entry (GstKvsTask * self, GstElement * element)
{
  guint i;

  for (i = 0; i < self->entries->len; i++) {
    KvsTaskEntry *e = g_ptr_array_index (self->entries, i);

    if (e->element == element)
      return e;
  }
  return NULL;
}

static void
add_entry (GstKvsTask * self, GstElement * element)
{
  KvsTaskEntry *e;

  if (!is_sub_task (element))
    return;

  g_mutex_lock (&self->lock);
  if (find_entry (self, element) == NULL) {
    e = g_new0 (KvsTaskEntry, 1);
    e->element = gst_object_ref (element);
    e->snapshot_num = -1;
    g_ptr_array_add (self->entries, e);
    GST_DEBUG_OBJECT (self, "sub-task %u: %" GST_PTR_FORMAT,
        self->entries->len - 1, element);
  }
  g_mutex_unlock (&self->lock);
}

/* Called for direct children too (GstBin emits it on itself), and for
 * every element inside a bin that is added whole. */
static void
gst_kvs_task_deep_element_added (GstBin * bin, GstBin * sub_bin,
    GstElement * child)
{
  add_entry (GST_KVS_TASK (bin), child);
  if (GST_BIN_CLASS (parent_class)->deep_element_added)
    GST_BIN_CLASS (parent_class)->deep_element_added (bin, sub_bin, child);
}

static void
gst_kvs_task_deep_element_removed (GstBin * bin, GstBin * sub_bin,
    GstElement * child)
{
  GstKvsTask *self = GST_KVS_TASK (bin);
  KvsTaskEntry *e;

  g_mutex_lock (&self->lock);
  e = find_entry (self, child);
  if (e != NULL)
    g_ptr_array_remove (self->entries, e);
  g_mutex_unlock (&self->lock);

  if (GST_BIN_CLASS (parent_class)->deep_element_removed)
    GST_BIN_CLASS (parent_class)->deep_element_removed (bin, sub_bin, child);
}

/* @path as the callback reports it: relative to the bucket when under it */
static gchar *
bucket_relative (GstKvsTask * self, const gchar * path)
{
  const gchar *rest = NULL, *dir;
  gchar *res;

  if (path == NULL)
    return g_strdup ("");

  GST_OBJECT_LOCK (self);
  dir = self->bucket_dir != NULL ? self->bucket_dir : self->bucket;
  if (dir != NULL && dir[0] != '\0' && g_str_has_prefix (path, dir)) {
    rest = path + strlen (dir);
    if (rest[0] == G_DIR_SEPARATOR)
      rest++;
    else if (!g_str_has_suffix (dir, G_DIR_SEPARATOR_S))
      rest = NULL;
  }
  res = g_strdup (rest != NULL ? rest : path);
  GST_OBJECT_UNLOCK (self);

  return res;
}

/* A sprite array (the `thumnailsinfo` of a result message) with each
 * `thumbnailpath` made relative to the bucket, as the service reports it;
 * the array as it came when it is not one. */
static gchar *
sprites_in_bucket (GstKvsTask * self, const gchar * json)
{
  JsonParser *parser = json_parser_new ();
  JsonNode *root;
  JsonArray *sheets;
  gchar *res = NULL;
  guint i;

  if (!json_parser_load_from_data (parser, json, -1, NULL))
    goto done;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_ARRAY (root))
    goto done;
  sheets = json_node_get_array (root);
  for (i = 0; i < json_array_get_length (sheets); i++) {
    JsonNode *n = json_array_get_element (sheets, i);
    JsonObject *o;
    const gchar *path;
    gchar *rel;

    if (!JSON_NODE_HOLDS_OBJECT (n))
      continue;
    o = json_node_get_object (n);
    path = json_object_get_string_member_with_default (o, "thumbnailpath",
        NULL);
    if (path == NULL)
      continue;
    rel = bucket_relative (self, path);
    json_object_set_string_member (o, "thumbnailpath", rel);
    g_free (rel);
  }
  res = kvs_result_to_json (root);

done:
  g_object_unref (parser);
  return res != NULL ? res : g_strdup (json);
}

/* Takes the final result message of a sub-task: the message that carries
 * `task-type` and the document in `json`. Which item field the document
 * fills is the message's `document`; nothing here knows which element
 * posted it. */
static void
collect_result (GstKvsTask * self, GstMessage * message)
{
  const GstStructure *s = gst_message_get_structure (message);
  GstElement *src;
  KvsTaskEntry r = { NULL, };
  KvsTaskEntry *e;
  const gchar *json, *type, *document, *sprites;

  if (!GST_IS_ELEMENT (GST_MESSAGE_SRC (message)))
    return;
  src = GST_ELEMENT (GST_MESSAGE_SRC (message));
  if (!is_sub_task (src))
    return;
  json = gst_structure_get_string (s, "json");
  type = gst_structure_get_string (s, "task-type");
  if (json == NULL || type == NULL)
    return;

  r.snapshot_num = -1;
  r.type = g_strdup (type);
  r.dstpath = bucket_relative (self, gst_structure_get_string (s, "dstpath"));
  document = gst_structure_get_string (s, "document");
  if (g_strcmp0 (document, "metainfo") == 0)
    r.metainfo = g_strdup (json);
  else if (g_strcmp0 (document, "outMediainfo") == 0)
    r.out_mediainfo = g_strdup (json);
  else if (g_strcmp0 (document, "segmentsinfo") == 0)
    r.segmentsinfo = g_strdup (json);
  r.segmentlisttype = g_strdup (gst_structure_get_string (s,
          "segmentlisttype"));
  gst_structure_get_int (s, "snapshot-num", &r.snapshot_num);
  sprites = gst_structure_get_string (s, "thumnailsinfo");
  if (sprites != NULL)
    r.thumnailsinfo = sprites_in_bucket (self, sprites);

  g_mutex_lock (&self->lock);
  e = find_entry (self, src);
  if (e != NULL) {
    entry_clear_result (e);
    r.element = e->element;
    r.has_result = TRUE;
    *e = r;
    GST_DEBUG_OBJECT (self, "result of %" GST_PTR_FORMAT ": %s", src, r.type);
  } else {
    entry_clear_result (&r);
  }
  g_mutex_unlock (&self->lock);
}

static KvsCallbackFlags
callback_flags (GstKvsTask * self)
{
  KvsCallbackFlags flags;

  GST_OBJECT_LOCK (self);
  flags = self->legacy ? KVS_CALLBACK_LEGACY : KVS_CALLBACK_FLAGS_NONE;
  GST_OBJECT_UNLOCK (self);
  return flags;
}

/* Is @entry's element the source of the error, or one of its ancestors? */
static gboolean
entry_owns_error (KvsTaskEntry * e, GstObject * src)
{
  return src != NULL && (src == GST_OBJECT_CAST (e->element) ||
      gst_object_has_as_ancestor (src, GST_OBJECT_CAST (e->element)));
}

static KvsTaskEntry *
entry_copy (const KvsTaskEntry * e)
{
  KvsTaskEntry *c = g_new (KvsTaskEntry, 1);

  *c = *e;
  gst_object_ref (c->element);
  c->type = g_strdup (e->type);
  c->dstpath = g_strdup (e->dstpath);
  c->segmentlisttype = g_strdup (e->segmentlisttype);
  c->metainfo = g_strdup (e->metainfo);
  c->out_mediainfo = g_strdup (e->out_mediainfo);
  c->segmentsinfo = g_strdup (e->segmentsinfo);
  c->thumnailsinfo = g_strdup (e->thumnailsinfo);
  return c;
}

/* The elements below @bin, depth first, in the order they were added (a
 * bin keeps its newest child first). */
static void
tree_order (GstBin * bin, GPtrArray * out)
{
  GList *children, *l;

  GST_OBJECT_LOCK (bin);
  children = g_list_copy (bin->children);
  for (l = children; l != NULL; l = l->next)
    gst_object_ref (l->data);
  GST_OBJECT_UNLOCK (bin);

  for (l = g_list_last (children); l != NULL; l = l->prev) {
    g_ptr_array_add (out, l->data);
    if (GST_IS_BIN (l->data))
      tree_order (GST_BIN (l->data), out);
  }
  g_list_free (children);
}

static gint
compare_tree_order (gconstpointer a, gconstpointer b, gpointer order)
{
  KvsTaskEntry *ea = *(KvsTaskEntry **) a, *eb = *(KvsTaskEntry **) b;
  guint ia = G_MAXUINT, ib = G_MAXUINT;

  g_ptr_array_find (order, ea->element, &ia);
  g_ptr_array_find (order, eb->element, &ib);
  return ia < ib ? -1 : ia > ib;
}

/* The sub-tasks as they stand, in the order of the pipeline's description
 * (elements added in order, bins added whole included), copied so that
 * the body is built without the lock. */
static GPtrArray *
snapshot_entries (GstKvsTask * self)
{
  GPtrArray *order = g_ptr_array_new_with_free_func (gst_object_unref);
  GPtrArray *entries =
      g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  guint i;

  tree_order (GST_BIN (self), order);
  g_mutex_lock (&self->lock);
  for (i = 0; i < self->entries->len; i++)
    g_ptr_array_add (entries, entry_copy (g_ptr_array_index (self->entries,
                i)));
  g_mutex_unlock (&self->lock);
  g_ptr_array_sort_with_data (entries, compare_tree_order, order);
  g_ptr_array_unref (order);
  return entries;
}

/* The final body, from the results and the first error. Every sub-task
 * fails with the error when it has no result or the error is its own;
 * an error that no sub-task owns fails them all. */
static gchar *
build_final_body (GstKvsTask * self, gint * status, gint * errnum)
{
  KvsCallbackFlags flags = callback_flags (self);
  GPtrArray *entries = snapshot_entries (self);
  KvsTaskOutput *outputs;
  GstObject *error_src;
  gchar *type_override, *bucket, *body, *task_id;
  GPtrArray *types = g_ptr_array_new_with_free_func (g_free);
  gboolean streaming, failed, owned = FALSE;
  gint error;
  guint i, n = entries->len;

  GST_OBJECT_LOCK (self);
  type_override = g_strdup (self->type);
  bucket = g_strdup (self->bucket);
  streaming = self->streaming;
  GST_OBJECT_UNLOCK (self);

  g_mutex_lock (&self->lock);
  failed = self->failed;
  error = self->errnum;
  error_src = self->error_src ? gst_object_ref (self->error_src) : NULL;
  task_id = g_strdup (self->run_task_id);
  g_mutex_unlock (&self->lock);

  outputs = g_new0 (KvsTaskOutput, MAX (n, 1));
  *errnum = failed ? error : 0;
  for (i = 0; i < n; i++) {
    KvsTaskEntry *e = g_ptr_array_index (entries, i);
    KvsTaskOutput *o = &outputs[i];

    o->bucket = bucket;
    o->snapshot_num = -1;
    if (type_override != NULL) {
      o->type = type_override;
    } else if (e->type != NULL) {
      o->type = e->type;
    } else {
      o->type = element_task_type (e->element);
      g_ptr_array_add (types, (gpointer) o->type);
    }
    if (failed && (!e->has_result || entry_owns_error (e, error_src))) {
      o->errnum = error;
      owned = TRUE;
    } else if (!e->has_result) {
      o->errnum = KVS_ERRNUM_UNKNOWN;
      o->errmsg = "the element posted no result";
    }
    if (!e->has_result)
      continue;
    o->dstpath = e->dstpath;
    o->metainfo = e->metainfo;
    o->out_mediainfo = e->out_mediainfo;
    o->segmentsinfo = e->segmentsinfo;
    o->segmentlisttype = e->segmentlisttype;
    o->thumnailsinfo = e->thumnailsinfo;
    o->snapshot_num = e->snapshot_num;
  }
  if (failed && !owned) {
    for (i = 0; i < n; i++)
      outputs[i].errnum = error;
  }
  if (n == 0) {
    /* no kvs element: one (sub-)task of the type given, or none */
    outputs[0].type = type_override != NULL ? type_override : "";
    outputs[0].bucket = bucket;
    outputs[0].errnum = *errnum;
    outputs[0].snapshot_num = -1;
    n = 1;
  }

  if (n == 1 && !streaming) {
    /* one task: an error anywhere fails it */
    if (failed)
      outputs[0].errnum = error;
    body = kvs_callback_body (task_id, &outputs[0], flags);
  } else {
    body = kvs_callback_body_streaming (task_id, outputs, n, flags);
  }
  *status = KVS_CALLBACK_SUCCESS;
  for (i = 0; i < n; i++) {
    if (outputs[i].errnum != 0) {
      *status = KVS_CALLBACK_FAILURE;
      if (*errnum == 0)
        *errnum = outputs[i].errnum;
    }
  }

  g_free (outputs);
  g_ptr_array_unref (types);
  g_free (type_override);
  g_free (bucket);
  g_free (task_id);
  gst_clear_object (&error_src);
  g_ptr_array_unref (entries);
  return body;
}

static SoupSession *
new_session (GstKvsTask * self)
{
  guint timeout;

  GST_OBJECT_LOCK (self);
  timeout = self->timeout;
  GST_OBJECT_UNLOCK (self);

  return kvs_http_session_new (timeout);
}

/* Posts kvstask-callback, warns when a callback was not delivered. */
static void
report (GstKvsTask * self, KvsFinal * f, const gchar * url,
    const KvsDelivery * d)
{
  GstStructure *s;
  gchar *location, *id;

  GST_OBJECT_LOCK (self);
  location = g_strdup (self->callback_location);
  GST_OBJECT_UNLOCK (self);
  g_mutex_lock (&self->lock);
  id = g_strdup (self->run_task_id);
  g_mutex_unlock (&self->lock);

  s = gst_structure_new ("kvstask-callback",
      "task-id", G_TYPE_STRING, id,
      "status", G_TYPE_INT, f->status,
      "errnum", G_TYPE_INT, f->errnum,
      "body", G_TYPE_STRING, f->body,
      "delivered", G_TYPE_BOOLEAN, d->delivered,
      "attempts", G_TYPE_UINT, d->attempts,
      "http-status", G_TYPE_UINT, d->http_status, NULL);
  if (url != NULL)
    gst_structure_set (s, "callback-url", G_TYPE_STRING, url, NULL);
  if (location != NULL)
    gst_structure_set (s, "location", G_TYPE_STRING, location, NULL);
  if (!d->delivered && d->error != NULL)
    gst_structure_set (s, "error", G_TYPE_STRING, d->error, NULL);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));

  if (url != NULL && !d->delivered) {
    GST_ELEMENT_WARNING_WITH_DETAILS (self, RESOURCE, WRITE,
        ("The task callback was not delivered to %s after %u attempt(s): "
            "%s.%s%s", url, d->attempts, d->error,
            location ? " The body is in " : " It is in the kvstask-callback "
            "message", location ? location : ""), (NULL),
        ("kvs-errnum", G_TYPE_INT, KVS_ERRNUM_HTTP_CALLBACK, NULL));
  }
  g_free (location);
  g_free (id);
}

/* Lets the held EOS or error go on to the parent, then an error or an EOS
 * that came meanwhile: the application sees an error before an EOS. */
static void
release_held (GstKvsTask * self)
{
  GstMessage *held, *late, *late_error;
  gboolean error;

  g_mutex_lock (&self->lock);
  held = g_steal_pointer (&self->held);
  error = self->held_error;
  g_mutex_unlock (&self->lock);

  if (held != NULL && error)
    GST_BIN_CLASS (parent_class)->handle_message (GST_BIN (self), held);
  else if (held != NULL)
    GST_ELEMENT_CLASS (parent_class)->post_message (GST_ELEMENT (self), held);

  g_mutex_lock (&self->lock);
  late_error = g_steal_pointer (&self->late_error);
  late = g_steal_pointer (&self->late_eos);
  self->released = TRUE;
  g_mutex_unlock (&self->lock);

  if (late_error != NULL)
    GST_BIN_CLASS (parent_class)->handle_message (GST_BIN (self), late_error);
  if (late != NULL)
    GST_ELEMENT_CLASS (parent_class)->post_message (GST_ELEMENT (self), late);
}

static void
deliver_final (GstKvsTask * self, SoupSession * session, KvsFinal * f,
    GAsyncQueue * wake, GCancellable * cancellable)
{
  KvsDelivery d = { FALSE, };
  gchar *url;
  guint max_retries;

  GST_OBJECT_LOCK (self);
  url = g_strdup (self->callback_url);
  max_retries = self->max_retries;
  GST_OBJECT_UNLOCK (self);

  if (url != NULL)
    kvs_http_deliver (session, url, f->body, max_retries, wake, &stop_job,
        cancellable, &d);
  report (self, f, url, &d);
  release_held (self);

  kvs_delivery_clear (&d);
  g_free (url);
}

static void
final_free (KvsFinal * f)
{
  g_free (f->body);
  g_free (f);
}

/* A final callback that is not sent: the pipeline is stopping. */
static void
report_stopped (GstKvsTask * self, KvsFinal * f)
{
  KvsDelivery d = { FALSE, 0, 0, (gchar *) "the pipeline was stopped" };
  gchar *url;

  GST_OBJECT_LOCK (self);
  url = g_strdup (self->callback_url);
  GST_OBJECT_UNLOCK (self);
  report (self, f, url, &d);
  release_held (self);
  final_free (f);
  g_free (url);
}

/* A progress callback: one attempt, at the percentage of the position. */
static void
send_progress (GstKvsTask * self, SoupSession * session)
{
  KvsDelivery d;
  gint64 pos = -1, dur = -1;
  gchar *url, *type, *body, *task_id;
  KvsCallbackFlags flags = callback_flags (self);
  GstElement *first = NULL;
  gboolean finishing;
  gint percent;

  if (!gst_element_query_position (GST_ELEMENT (self), GST_FORMAT_TIME, &pos)
      || !gst_element_query_duration (GST_ELEMENT (self), GST_FORMAT_TIME,
          &dur) || pos < 0 || dur <= 0)
    return;

  GST_OBJECT_LOCK (self);
  url = g_strdup (self->callback_url);
  type = g_strdup (self->type);
  GST_OBJECT_UNLOCK (self);

  g_mutex_lock (&self->lock);
  /* none once the final callback is under way */
  finishing = self->finishing;
  percent = (gint) MIN (gst_util_uint64_scale (pos, 100, dur), 100);
  percent = MAX (percent, self->last_progress);
  self->last_progress = percent;
  if (self->entries->len > 0) {
    KvsTaskEntry *e = g_ptr_array_index (self->entries, 0);

    first = gst_object_ref (e->element);
  }
  task_id = g_strdup (self->run_task_id);
  g_mutex_unlock (&self->lock);

  if (!finishing) {
    if (type == NULL && first != NULL)
      type = element_task_type (first);
    body = kvs_callback_body_progress (task_id, type ? type : "",
        "transcoding", percent, flags);
    kvs_http_deliver (session, url, body, 0, self->jobs, &stop_job,
        self->cancellable, &d);
    GST_DEBUG_OBJECT (self, "progress %d%%: delivered %d", percent,
        d.delivered);
    kvs_delivery_clear (&d);
    g_free (body);
  }

  gst_clear_object (&first);
  g_free (task_id);
  g_free (type);
  g_free (url);
}

/* The delivery thread: progress ticks until the final callback or stop. */
static gpointer
gst_kvs_task_worker (gpointer data)
{
  GstKvsTask *self = data;
  SoupSession *session = new_session (self);
  gint64 interval, next = 0;
  gpointer job;

  GST_OBJECT_LOCK (self);
  interval = self->progress_interval * G_USEC_PER_SEC;
  GST_OBJECT_UNLOCK (self);
  if (interval > 0)
    next = g_get_monotonic_time () + interval;

  while (TRUE) {
    if (next > 0) {
      job = g_async_queue_timeout_pop (self->jobs,
          MAX (next - g_get_monotonic_time (), 0));
    } else {
      job = g_async_queue_pop (self->jobs);
    }
    if (job == NULL) {
      send_progress (self, session);
      next += interval;
      continue;
    }
    if (job != &stop_job) {
      deliver_final (self, session, job, self->jobs, self->cancellable);
      final_free (job);
    }
    break;
  }

  g_object_unref (session);
  g_mutex_lock (&self->lock);
  self->worker_exited = TRUE;
  g_mutex_unlock (&self->lock);
  return NULL;
}

static gboolean
has_callback_url (GstKvsTask * self)
{
  gboolean has_url;

  GST_OBJECT_LOCK (self);
  has_url = self->callback_url != NULL;
  GST_OBJECT_UNLOCK (self);
  return has_url;
}

/* Starts the delivery thread, unless the run is stopping. With the lock. */
static gboolean
start_worker_locked (GstKvsTask * self)
{
  if (self->stopping)
    return FALSE;
  if (self->worker != NULL && self->worker_exited) {
    /* it delivered a callback of an earlier run and ended */
    g_thread_join (self->worker);
    self->worker = NULL;
    g_clear_object (&self->cancellable);
  }
  if (self->worker == NULL) {
    self->worker_exited = FALSE;
    self->cancellable = g_cancellable_new ();
    self->worker = g_thread_new ("kvstask", gst_kvs_task_worker, self);
  }
  return TRUE;
}

/* Ends the delivery: a final callback under way is cut short (it stays in
 * callback-location and the report says so). */
static void
stop_worker (GstKvsTask * self)
{
  GThread *worker;
  GCancellable *cancellable;
  gpointer job;

  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  worker = g_steal_pointer (&self->worker);
  cancellable = self->cancellable;
  g_mutex_unlock (&self->lock);

  if (worker != NULL) {
    g_cancellable_cancel (cancellable);
    g_async_queue_push (self->jobs, &stop_job);
    g_thread_join (worker);
    g_mutex_lock (&self->lock);
    g_clear_object (&self->cancellable);
    g_mutex_unlock (&self->lock);
  }
  /* a final callback the thread never took: reported, not lost */
  while ((job = g_async_queue_try_pop (self->jobs)) != NULL) {
    if (job != &stop_job)
      report_stopped (self, job);
  }
}

/* Builds the final body, writes it to callback-location and sends it. */
static void
gst_kvs_task_finish (GstKvsTask * self)
{
  KvsFinal *f = g_new0 (KvsFinal, 1);
  GError *err = NULL;
  gchar *location;
  gboolean stopping, threaded, has_url;

  f->body = build_final_body (self, &f->status, &f->errnum);
  GST_INFO_OBJECT (self, "callback: %s", f->body);

  GST_OBJECT_LOCK (self);
  location = g_strdup (self->callback_location);
  GST_OBJECT_UNLOCK (self);
  if (location != NULL && !kvs_result_write_sidecar (location, f->body, &err)) {
    GST_ELEMENT_WARNING (self, RESOURCE, OPEN_WRITE,
        ("Could not write the callback body to \"%s\".", location),
        ("%s", err->message));
    g_clear_error (&err);
  }
  g_free (location);

  /* The thread delivers, and the streaming thread goes on. An error
   * raised inside a state change is delivered by the application's
   * thread before the change returns, so that the error it then reads
   * from the bus is already there. */
  has_url = has_callback_url (self);
  g_mutex_lock (&self->lock);
  stopping = self->stopping;
  threaded = has_url && self->changing != g_thread_self () &&
      start_worker_locked (self);
  if (threaded)
    g_async_queue_push (self->jobs, f);
  g_mutex_unlock (&self->lock);

  if (threaded) {
    return;
  } else if (stopping) {
    report_stopped (self, f);
  } else {
    SoupSession *session = new_session (self);
    GAsyncQueue *wake = g_async_queue_new ();

    deliver_final (self, session, f, wake, NULL);
    final_free (f);
    g_async_queue_unref (wake);
    g_object_unref (session);
  }
}

/* Holds the first error of a child and starts the failure callback. */
static gboolean
take_error (GstKvsTask * self, GstMessage * message)
{
  gboolean take, keep, drop;

  g_mutex_lock (&self->lock);
  take = !self->finishing;
  /* after the EOS was taken: the first error follows it, the callback
   * already on its way */
  keep = !take && !self->failed && !self->released && !self->late_error;
  drop = !take && !keep && (self->failed || self->late_error);
  if (take) {
    self->finishing = TRUE;
    self->failed = TRUE;
    self->held = message;
    self->held_error = TRUE;
    self->errnum = kvs_errnum_for_error (message, self->missing);
    gst_object_replace (&self->error_src, GST_MESSAGE_SRC (message));
    GST_INFO_OBJECT (self, "task failed: %d, from %" GST_PTR_FORMAT,
        self->errnum, GST_MESSAGE_SRC (message));
  } else if (keep) {
    self->late_error = message;
  }
  g_mutex_unlock (&self->lock);

  if (take) {
    gst_kvs_task_finish (self);
  } else if (drop) {
    GST_DEBUG_OBJECT (self, "dropping a later error from %" GST_PTR_FORMAT,
        GST_MESSAGE_SRC (message));
    gst_message_unref (message);
  }
  return take || keep || drop;
}

/* Holding the first error is the one case where this does not chain up:
 * the error goes on to the parent after the callback was delivered. */
static void
gst_kvs_task_handle_message (GstBin * bin, GstMessage * message)
{
  GstKvsTask *self = GST_KVS_TASK (bin);

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ELEMENT:
      if (gst_is_missing_plugin_message (message)) {
        g_mutex_lock (&self->lock);
        gst_message_replace (&self->missing, message);
        g_mutex_unlock (&self->lock);
      } else {
        collect_result (self, message);
      }
      break;
    case GST_MESSAGE_ERROR:
      if (take_error (self, message))
        return;
      break;
    default:
      break;
  }
  GST_BIN_CLASS (parent_class)->handle_message (bin, message);
}

/* The bin's own EOS (all its sinks are done) starts the callback and waits
 * for its end. */
static gboolean
gst_kvs_task_post_message (GstElement * element, GstMessage * message)
{
  GstKvsTask *self = GST_KVS_TASK (element);
  gboolean take = FALSE, later = FALSE;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS &&
      GST_MESSAGE_SRC (message) == GST_OBJECT_CAST (element)) {
    g_mutex_lock (&self->lock);
    take = !self->finishing;
    later = self->finishing && !self->released;
    if (take) {
      self->finishing = TRUE;
      self->held = message;
      self->held_error = FALSE;
    } else if (later) {
      gst_message_take (&self->late_eos, message);
    }
    g_mutex_unlock (&self->lock);
  }
  if (take)
    gst_kvs_task_finish (self);
  if (take || later)
    return TRUE;
  return GST_ELEMENT_CLASS (parent_class)->post_message (element, message);
}

static gboolean
check_callback_url (GstKvsTask * self)
{
  GError *err = NULL;
  GUri *uri;
  gchar *url;
  gboolean ok = TRUE;

  GST_OBJECT_LOCK (self);
  url = g_strdup (self->callback_url);
  GST_OBJECT_UNLOCK (self);
  if (url == NULL)
    return TRUE;

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, &err);
  if (uri == NULL || (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") &&
          g_ascii_strcasecmp (g_uri_get_scheme (uri), "https")) ||
      g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    goto bad_url;

done:
  g_clear_pointer (&uri, g_uri_unref);
  g_free (url);
  return ok;

  /* ERRORS */
bad_url:
  {
    KVS_ELEMENT_ERROR (self, RESOURCE, SETTINGS, KVS_ERRNUM_PARSE_URL,
        ("Invalid callback-url \"%s\": an http or https URL with a host is "
            "needed.", url), ("%s", err ? err->message : "scheme or host"));
    g_clear_error (&err);
    ok = FALSE;
    goto done;
  }
}

/* A new run: results, error and the task id are forgotten. */
static void
reset_run (GstKvsTask * self)
{
  gchar *id;
  guint i;

  GST_OBJECT_LOCK (self);
  id = g_strdup (self->task_id);
  GST_OBJECT_UNLOCK (self);

  g_mutex_lock (&self->lock);
  for (i = 0; i < self->entries->len; i++)
    entry_clear_result (g_ptr_array_index (self->entries, i));
  gst_clear_message (&self->missing);
  gst_clear_object (&self->error_src);
  self->finishing = FALSE;
  self->released = FALSE;
  gst_clear_message (&self->late_eos);
  gst_clear_message (&self->late_error);
  self->failed = FALSE;
  self->stopping = FALSE;
  self->errnum = 0;
  self->last_progress = 0;
  /* the property as it is now (it may have been set in READY), else one
   * id for the run, from NULL->READY on */
  if (id != NULL || self->run_task_id == NULL) {
    if (id == NULL) {
      GDateTime *now = g_date_time_new_now_local ();

      id = kvs_callback_task_id_new (now);
      g_date_time_unref (now);
    }
    g_free (self->run_task_id);
    self->run_task_id = g_steal_pointer (&id);
  }
  g_mutex_unlock (&self->lock);
  g_free (id);
}

static GstStateChangeReturn
gst_kvs_task_change_state (GstElement * element, GstStateChange transition)
{
  GstKvsTask *self = GST_KVS_TASK (element);
  GstStateChangeReturn ret;
  gboolean progress;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (!check_callback_url (self))
        return GST_STATE_CHANGE_FAILURE;
      reset_run (self);
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      /* the URL may have been set in READY */
      if (!check_callback_url (self))
        return GST_STATE_CHANGE_FAILURE;
      reset_run (self);
      GST_OBJECT_LOCK (self);
      progress = self->progress_interval > 0.0;
      GST_OBJECT_UNLOCK (self);
      if (progress && has_callback_url (self)) {
        g_mutex_lock (&self->lock);
        start_worker_locked (self);
        g_mutex_unlock (&self->lock);
      }
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
    case GST_STATE_CHANGE_READY_TO_READY:
    case GST_STATE_CHANGE_READY_TO_NULL:
    case GST_STATE_CHANGE_NULL_TO_NULL:
      /* a run that failed while prerolling never was in PAUSED: it ends
       * with READY->READY or READY->NULL */
      stop_worker (self);
      break;
    default:
      break;
  }

  g_mutex_lock (&self->lock);
  self->changing = g_thread_self ();
  g_mutex_unlock (&self->lock);
  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  g_mutex_lock (&self->lock);
  self->changing = NULL;
  /* after the children stopped: an error they raised meanwhile still had
   * the run's id */
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY ||
      transition == GST_STATE_CHANGE_READY_TO_READY ||
      transition == GST_STATE_CHANGE_READY_TO_NULL)
    g_clear_pointer (&self->run_task_id, g_free);
  g_mutex_unlock (&self->lock);

  return ret;
}
