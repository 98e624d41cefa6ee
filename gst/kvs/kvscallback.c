/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The bodies of the service's task callback (docs/callback.md): the single
 * task, the streaming task (several sub-tasks in order), the progress
 * callback, and the legacy variant for old users. Generated with
 * json-glib; the result documents go in as JSON strings. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvscallback.h"
#include "kvserrors.h"
#include "kvsresult.h"

#include <json-glib/json-glib.h>

/**
 * kvs_callback_task_id_new:
 * @now: (nullable): the time to stamp, %NULL for now
 *
 * A task id in the service's shape: 32 random hex digits and the date,
 * `YYYYMMDD` (40 characters).
 *
 * Returns: (transfer full): the id
 */
gchar *
kvs_callback_task_id_new (GDateTime * now)
{
  GDateTime *t = now ? g_date_time_ref (now) : g_date_time_new_now_local ();
  gchar *uuid = g_uuid_string_random ();
  GString *id = g_string_sized_new (41);
  gchar *date;
  const gchar *p;

  for (p = uuid; *p; p++)
    if (*p != '-')
      g_string_append_c (id, *p);
  date = g_date_time_format (t, "%Y%m%d");
  g_string_append (id, date);
  g_free (date);
  g_free (uuid);
  g_date_time_unref (t);
  return g_string_free (id, FALSE);
}

static gint
status_of (const KvsTaskOutput * o)
{
  return o->errnum == 0 ? KVS_CALLBACK_SUCCESS : KVS_CALLBACK_FAILURE;
}

static const gchar *
errmsg_of (const KvsTaskOutput * o)
{
  const gchar *m;

  if (o->errmsg != NULL)
    return o->errmsg;
  m = kvs_callback_error_message (o->errnum);
  return m ? m : "";
}

/* the body is valid UTF-8 whatever the input's tags hold */
static void
add_string (JsonBuilder * b, const gchar * name, const gchar * value)
{
  json_builder_set_member_name (b, name);
  if (value == NULL || g_utf8_validate (value, -1, NULL)) {
    json_builder_add_string_value (b, value ? value : "");
  } else {
    gchar *valid = g_utf8_make_valid (value, -1);

    json_builder_add_string_value (b, valid);
    g_free (valid);
  }
}

static void
add_int (JsonBuilder * b, const gchar * name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_optional (JsonBuilder * b, const gchar * name, const gchar * value)
{
  if (value != NULL)
    add_string (b, name, value);
}

/* `itmes` (sic), for old storage users: what the task did, and how */
static void
add_itmes (JsonBuilder * b, const KvsTaskOutput * o)
{
  gchar *cmd = g_strconcat ("tag=", o->type ? o->type : "", NULL);

  json_builder_set_member_name (b, "itmes");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  add_string (b, "cmd", cmd);
  add_string (b, "desc", o->errnum == 0 ? "success" : "failure");
  json_builder_set_member_name (b, "keys");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, o->dstpath ? o->dstpath : "");
  json_builder_end_array (b);
  add_int (b, "code", status_of (o));
  json_builder_end_object (b);
  json_builder_end_array (b);
  g_free (cmd);
}

static gchar *
finish (JsonBuilder * b)
{
  JsonNode *root = json_builder_get_root (b);
  gchar *text = kvs_result_to_json (root);

  json_node_unref (root);
  g_object_unref (b);
  return text;
}

/**
 * kvs_callback_body:
 * @task_id: the task's id
 * @output: its result
 * @flags: #KVS_CALLBACK_LEGACY for old users
 *
 * The callback of a single task: `TaskID`, `Status` (3 success, 4
 * failure), `Type`, and `Details` with `errnum`, `errmsg`, `bucket`,
 * `snapshotNum` (snapshot tasks) and one item: `dstpath` and the task's
 * documents as JSON strings. A failed task has no item.
 *
 * Returns: (transfer full): the body, JSON text
 */
gchar *
kvs_callback_body (const gchar * task_id, const KvsTaskOutput * o,
    KvsCallbackFlags flags)
{
  JsonBuilder *b = json_builder_new ();
  gboolean legacy = (flags & KVS_CALLBACK_LEGACY) != 0;

  json_builder_begin_object (b);
  add_string (b, legacy ? "taskid" : "TaskID", task_id);
  add_int (b, legacy ? "status" : "Status", status_of (o));
  add_string (b, legacy ? "type" : "Type", o->type);
  if (legacy)
    add_itmes (b, o);
  json_builder_set_member_name (b, legacy ? "details" : "Details");
  json_builder_begin_object (b);
  add_int (b, "errnum", o->errnum);
  add_string (b, "errmsg", errmsg_of (o));
  add_string (b, "bucket", o->bucket);
  if (o->snapshot_num >= 0)
    add_int (b, "snapshotNum", o->snapshot_num);
  json_builder_set_member_name (b, "items");
  json_builder_begin_array (b);
  if (o->errnum == 0) {
    json_builder_begin_object (b);
    add_string (b, "dstpath", o->dstpath);
    add_optional (b, "metainfo", o->metainfo);
    add_optional (b, "outMediainfo", o->out_mediainfo);
    add_optional (b, "segmentlisttype", o->segmentlisttype);
    add_optional (b, "segmentsinfo", o->segmentsinfo);
    add_optional (b, "thumnailsinfo", o->thumnailsinfo);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return finish (b);
}

/**
 * kvs_callback_body_streaming:
 * @task_id: the task's id
 * @outputs: (array length=n_outputs): the sub-tasks' results, in order
 * @n_outputs: how many
 * @flags: #KVS_CALLBACK_LEGACY for old users
 *
 * The callback of a streaming task: `TaskID`, `Status` (3 when every
 * sub-task succeeded, else 4) and `Details`, an array with one entry per
 * sub-task: `Order`, `Type`, `Status`, `Errnum`, `Errmsg`, `Bucket` and
 * `OutInfo` (`dstpath`, then the documents the sub-task has).
 *
 * Returns: (transfer full): the body, JSON text
 */
gchar *
kvs_callback_body_streaming (const gchar * task_id,
    const KvsTaskOutput * outputs, guint n, KvsCallbackFlags flags)
{
  JsonBuilder *b = json_builder_new ();
  gboolean legacy = (flags & KVS_CALLBACK_LEGACY) != 0;
  gint status = KVS_CALLBACK_SUCCESS;
  guint i;

  for (i = 0; i < n; i++)
    if (outputs[i].errnum != 0)
      status = KVS_CALLBACK_FAILURE;

  json_builder_begin_object (b);
  add_string (b, legacy ? "taskid" : "TaskID", task_id);
  add_int (b, legacy ? "status" : "Status", status);
  json_builder_set_member_name (b, legacy ? "details" : "Details");
  json_builder_begin_array (b);
  for (i = 0; i < n; i++) {
    const KvsTaskOutput *o = &outputs[i];

    json_builder_begin_object (b);
    add_int (b, "Order", i);
    add_string (b, "Type", o->type);
    add_int (b, "Status", status_of (o));
    add_int (b, "Errnum", o->errnum);
    /* the example writes "" for a success */
    add_string (b, "Errmsg", o->errnum == 0 && o->errmsg == NULL ? "" :
        errmsg_of (o));
    add_string (b, "Bucket", o->bucket);
    json_builder_set_member_name (b, "OutInfo");
    json_builder_begin_object (b);
    add_string (b, "dstpath", o->dstpath);
    add_optional (b, "metainfo", o->metainfo);
    if (o->snapshot_num >= 0)
      add_int (b, "snapshotNum", o->snapshot_num);
    add_optional (b, "outMediainfo", o->out_mediainfo);
    add_optional (b, "segmentsinfo", o->segmentsinfo);
    add_optional (b, "thumnailsinfo", o->thumnailsinfo);
    add_optional (b, "segmentlisttype", o->segmentlisttype);
    json_builder_end_object (b);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return finish (b);
}

/**
 * kvs_callback_body_progress:
 * @task_id: the task's id
 * @type: the task type
 * @stage: `transcoding` or `uploading`
 * @progress: percent of @stage, 0–100
 * @flags: #KVS_CALLBACK_LEGACY for old users
 *
 * A progress callback: `Status` 2 and `Details` `{"status", "progress"}`.
 *
 * Returns: (transfer full): the body, JSON text
 */
gchar *
kvs_callback_body_progress (const gchar * task_id, const gchar * type,
    const gchar * stage, gint progress, KvsCallbackFlags flags)
{
  JsonBuilder *b = json_builder_new ();
  gboolean legacy = (flags & KVS_CALLBACK_LEGACY) != 0;

  json_builder_begin_object (b);
  add_string (b, legacy ? "taskid" : "TaskID", task_id);
  add_int (b, legacy ? "status" : "Status", KVS_CALLBACK_PROCESSING);
  add_string (b, legacy ? "type" : "Type", type);
  json_builder_set_member_name (b, legacy ? "details" : "Details");
  json_builder_begin_object (b);
  add_string (b, "status", stage);
  add_int (b, "progress", CLAMP (progress, 0, 100));
  json_builder_end_object (b);
  json_builder_end_object (b);
  return finish (b);
}
