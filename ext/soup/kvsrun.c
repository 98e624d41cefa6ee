/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Runs one validated task request: the pipeline of its preset, made of the
 * kvs elements inside a kvstask, writing into a staging directory inside
 * the destination bucket. Only when the task succeeded are its files moved
 * to their keys (a rename each, inside one file system); a failed task
 * leaves nothing behind. The callback body is kvstask's, built from the
 * elements' result messages; it is POSTed to CbUrl here, once the outputs
 * are in place, so that a receiver finds every file the callback names. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvsrun.h"

#include "kvsavprobe.h"
#include "kvscallback.h"
#include "kvserrors.h"
#include "kvshttp.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

GST_DEBUG_CATEGORY_STATIC (kvs_run_debug);
#define GST_CAT_DEFAULT kvs_run_debug

/**
 * kvs_run_description:
 * @request: a validated request
 * @has_video: the source has a video stream (avtrans: a video branch)
 * @has_audio: the source has an audio stream (avtrans: an audio branch)
 *
 * The pipeline of a request's preset, as a launch description: numbers
 * only, which the request has validated. Paths are set on the named
 * elements (`src`, `out`) afterwards, never quoted into the description.
 *
 * Returns: (transfer full): the description
 */
gchar *
kvs_run_description (const KvsRequest * r, gboolean has_video,
    gboolean has_audio)
{
  gchar a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
  GString *d;

  switch (r->preset) {
    case KVS_PRESET_WAVE:
      return g_strdup_printf ("kvstask.( name=task filesrc name=src ! "
          "decodebin caps=audio/x-raw expose-all-streams=false ! "
          "audioconvert ! kvswave name=out points=%u ! fakesink sync=false )",
          r->points);
    case KVS_PRESET_AVINFO:
      return g_strdup ("kvstask.( name=task filesrc name=src ! "
          "kvsprobe name=out ! fakesink sync=false )");
    case KVS_PRESET_AVSNAPSHOT:
      return g_strdup_printf ("kvstask.( name=task filesrc name=src ! "
          "decodebin caps=\"video/x-raw(ANY)\" expose-all-streams=false ! "
          "kvssnapshot name=out width=%u height=%u )", r->width, r->height);
    case KVS_PRESET_AVSAMPLE:
      return g_strdup_printf ("kvstask.( name=task filesrc name=src ! "
          "decodebin caps=\"video/x-raw(ANY)\" expose-all-streams=false ! "
          "kvssnapshot name=out interval=%s start=%s count=%u width=%u "
          "height=%u )", g_ascii_dtostr (a, sizeof (a), r->interval),
          g_ascii_dtostr (b, sizeof (b), r->start), r->count, r->width,
          r->height);
    case KVS_PRESET_SPRITES:
      return g_strdup_printf ("kvstask.( name=task filesrc name=src ! "
          "decodebin caps=\"video/x-raw(ANY)\" expose-all-streams=false ! "
          "kvssnapshot name=out interval=%s start=%s count=%u columns=%u "
          "rows=%u tile-width=%u tile-height=%u )",
          g_ascii_dtostr (a, sizeof (a), r->interval),
          g_ascii_dtostr (b, sizeof (b), r->start), r->count, r->columns,
          r->rows, r->tile_width, r->tile_height);
    case KVS_PRESET_SEGMENTS:
      return g_strdup_printf ("kvstask.( name=task filesrc name=src ! "
          "parsebin name=d kvssegmentsink name=out target-duration=%s "
          "d. ! video/x-h264 ! queue ! out.video d. ! audio/mpeg ! queue ! "
          "out.audio_0 )", g_ascii_dtostr (a, sizeof (a), r->target_duration));
    case KVS_PRESET_AVTRANS:
      /* H.264 + AAC in the container; a branch per stream the source has
       * (a branch with no stream would hold the muxer forever) */
      d = g_string_new ("kvstask.( name=task filesrc name=src ! decodebin "
          "name=d ");
      g_string_append (d, strcmp (r->container, "flv") == 0 ?
          "flvmux name=mux streamable=false" :
          strcmp (r->container, "ts") == 0 ? "mpegtsmux name=mux" :
          "mp4mux name=mux faststart=true");
      g_string_append (d, " ! kvsprobe name=out format=outmediainfo ! "
          "filesink name=sink ");
      if (has_video) {
        g_string_append (d, "d. ! video/x-raw ! queue ! videoconvert ! "
            "videoscale ! videorate ! video/x-raw,format=I420,"
            "pixel-aspect-ratio=1/1");
        if (r->width > 0)
          g_string_append_printf (d, ",width=%u", r->width);
        if (r->height > 0)
          g_string_append_printf (d, ",height=%u", r->height);
        if (r->framerate > 0)
          g_string_append_printf (d, ",framerate=%u/1", r->framerate);
        g_string_append_printf (d, " ! x264enc speed-preset=veryfast "
            "bitrate=%u ! video/x-h264,profile=high ! h264parse ! mux. ",
            r->video_bitrate);
      }
      if (has_audio) {
        g_string_append_printf (d, "d. ! audio/x-raw ! queue ! audioconvert "
            "! audioresample ! %s avenc_aac bitrate=%u ! aacparse ! mux. ",
            strcmp (r->container, "flv") == 0 ? "audio/x-raw,rate=44100 !" :
            "", r->audio_bitrate);
      }
      g_string_append (d, ")");
      return g_string_free (d, FALSE);
  }
  g_return_val_if_reached (NULL);
}

/* a staged path: the key's place under the staging directory */
static gchar *
staged (const gchar * stage, const gchar * key)
{
  return g_build_filename (stage, key, NULL);
}

static gboolean
make_parent (const gchar * path)
{
  gchar *dir = g_path_get_dirname (path);
  gboolean ok = g_mkdir_with_parents (dir, 0755) == 0;

  g_free (dir);
  return ok;
}

/* Sets the outputs of the preset's element to staged paths. */
static gboolean
set_outputs (const KvsRequest * r, GstElement * out, GstElement * sink,
    const gchar * stage)
{
  gchar *path, *list_dir, *stem, *segments;

  switch (r->preset) {
    case KVS_PRESET_WAVE:
      path = staged (stage, r->dst_key);
      g_object_set (out, "json-location", path, NULL);
      break;
    case KVS_PRESET_AVINFO:
      if (r->dst_key == NULL)
        return TRUE;
      path = staged (stage, r->dst_key);
      g_object_set (out, "json-location", path, NULL);
      break;
    case KVS_PRESET_AVSNAPSHOT:
    case KVS_PRESET_AVSAMPLE:
    case KVS_PRESET_SPRITES:
      path = staged (stage, r->dst_key);
      g_object_set (out, "location", path, NULL);
      if (r->times != NULL) {
        GString *times = g_string_new (NULL);
        gchar num[G_ASCII_DTOSTR_BUF_SIZE];
        guint i;

        for (i = 0; i < r->times->len; i++) {
          if (i > 0)
            g_string_append_c (times, ',');
          g_string_append (times, g_ascii_dtostr (num, sizeof (num),
                  g_array_index (r->times, gdouble, i)));
        }
        g_object_set (out, "times", times->str, NULL);
        g_string_free (times, TRUE);
      }
      if (g_str_has_suffix (path, ".png"))
        gst_util_set_object_arg (G_OBJECT (out), "format", "png");
      if (r->vtt_key != NULL) {
        gchar *vtt = staged (stage, r->vtt_key);

        if (!make_parent (vtt)) {
          g_free (vtt);
          g_free (path);
          return FALSE;
        }
        g_object_set (out, "vtt-location", vtt, NULL);
        g_free (vtt);
      }
      break;
    case KVS_PRESET_SEGMENTS:
      /* the list at the key, its segments beside it: list-000.mp4, … */
      path = staged (stage, r->dst_key);
      list_dir = g_path_get_dirname (path);
      stem = g_path_get_basename (path);
      if (strrchr (stem, '.') != NULL)
        *strrchr (stem, '.') = '\0';
      segments = g_strdup_printf ("%s%c%s-%%03d.mp4", list_dir,
          G_DIR_SEPARATOR, stem);
      g_object_set (out, "playlist-location", path, "location", segments, NULL);
      g_free (segments);
      g_free (stem);
      g_free (list_dir);
      break;
    case KVS_PRESET_AVTRANS:
      path = staged (stage, r->dst_key);
      g_object_set (sink, "location", path, NULL);
      break;
    default:
      return FALSE;
  }
  if (!make_parent (path)) {
    g_free (path);
    return FALSE;
  }
  g_free (path);
  return TRUE;
}

/* Removes a directory tree (the staging directory). */
static void
remove_tree (const gchar * path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  if (dir != NULL) {
    while ((name = g_dir_read_name (dir)) != NULL) {
      gchar *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) &&
          !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
      g_free (child);
    }
    g_dir_close (dir);
  }
  g_rmdir (path);
}

/* Moves every file under @stage to the same place under @dst. */
static gboolean
publish (const gchar * stage, const gchar * dst, GError ** error)
{
  GDir *dir = g_dir_open (stage, 0, error);
  const gchar *name;
  gboolean ok = TRUE;

  if (dir == NULL)
    return FALSE;
  while (ok && (name = g_dir_read_name (dir)) != NULL) {
    gchar *from = g_build_filename (stage, name, NULL);
    gchar *to = g_build_filename (dst, name, NULL);

    if (g_file_test (from, G_FILE_TEST_IS_DIR)) {
      if (g_mkdir_with_parents (to, 0755) != 0 ||
          !g_file_test (to, G_FILE_TEST_IS_DIR)) {
        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
            "%s: not a directory", to);
        ok = FALSE;
      } else {
        ok = publish (from, to, error);
      }
    } else if (g_rename (from, to) != 0) {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
          "%s: %s", to, g_strerror (errno));
      ok = FALSE;
    }
    g_free (from);
    g_free (to);
  }
  g_dir_close (dir);
  return ok;
}

static gint
file_read (gpointer user_data, guint64 offset, guint8 * buf, gint size)
{
  return kvs_av_read_fd (GPOINTER_TO_INT (user_data), offset, buf, size);
}

/* Which kinds of streams the source has, as libavformat reads it. */
static gboolean
source_streams (const gchar * path, gboolean * video, gboolean * audio)
{
  KvsAvInput input = { file_read, NULL, NULL, -1, NULL };
  KvsMediaInfo *info = kvs_media_info_new ();
  gint fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  gboolean ok;
  guint i;

  *video = *audio = FALSE;
  if (fd < 0) {
    kvs_media_info_free (info);
    return FALSE;
  }
  input.user_data = GINT_TO_POINTER (fd);
  input.size = lseek (fd, 0, SEEK_END);
  ok = kvs_av_probe (&input, info, NULL);
  for (i = 0; ok && i < info->streams->len; i++) {
    KvsMediaStream *st = g_ptr_array_index (info->streams, i);

    *video |= st->type == KVS_MEDIA_VIDEO;
    *audio |= st->type == KVS_MEDIA_AUDIO;
  }
  close (fd);
  kvs_media_info_free (info);
  return ok;
}

/* The callback of a task that failed before its pipeline could tell. */
static void
fail_task (const KvsRequest * r, const gchar * task_id, gint errnum,
    const gchar * why, KvsRunResult * res)
{
  KvsTaskOutput o = { NULL, };

  o.type = r->preset == KVS_PRESET_SEGMENTS ||
      r->preset == KVS_PRESET_AVTRANS ? "avtrans" :
      r->preset == KVS_PRESET_SPRITES ? "avsample" : r->preset_name;
  o.errnum = errnum;
  o.bucket = r->dst_bucket;
  o.snapshot_num = -1;
  g_free (res->body);
  res->body = kvs_callback_body (task_id, &o, KVS_CALLBACK_FLAGS_NONE);
  g_free (res->error);
  res->error = g_strdup (why);
  res->status = KVS_CALLBACK_FAILURE;
  res->errnum = errnum;
}

static void
take_callback (const GstStructure * s, KvsRunResult * res)
{
  const gchar *error;

  g_free (res->body);
  res->body = g_strdup (gst_structure_get_string (s, "body"));
  gst_structure_get_int (s, "status", &res->status);
  gst_structure_get_int (s, "errnum", &res->errnum);
  gst_structure_get_boolean (s, "delivered", &res->delivered);
  gst_structure_get_uint (s, "attempts", &res->attempts);
  error = gst_structure_get_string (s, "error");
  g_free (res->error);
  res->error = g_strdup (error);
}

/**
 * kvs_run_task:
 * @request: a validated request
 * @src_path: its source file (kvs_request_resolve())
 * @dst_dir: (nullable): its destination bucket's directory
 * @task_id: the task's `TaskID`
 * @progress: (nullable): called with the percentage done, from this thread
 * @user_data: for @progress
 * @result: (out caller-allocates): how it ended
 *
 * Runs the task to its end in this thread, with its own pipeline and bus:
 * several can run at once in several threads.
 *
 * Returns: %TRUE when the task succeeded (Status 3)
 */
gboolean
kvs_run_task (const KvsRequest * r, const gchar * src_path,
    const gchar * dst_dir, const gchar * task_id, KvsRunProgress progress,
    gpointer user_data, KvsRunResult * res)
{
  GstElement *pipeline, *task, *src, *out, *sink;
  gboolean has_video = TRUE, has_audio = TRUE;
  GError *err = NULL;
  gchar *desc, *stage = NULL;
  GstBus *bus;
  gboolean done = FALSE;
  gint last = -1;

  GST_DEBUG_CATEGORY_INIT (kvs_run_debug, "kvsrun", 0, "kvs task runner");
  memset (res, 0, sizeof (*res));
  res->status = KVS_CALLBACK_FAILURE;
  res->errnum = KVS_ERRNUM_UNKNOWN;

  if (r->preset == KVS_PRESET_AVTRANS) {
    if (!source_streams (src_path, &has_video, &has_audio)) {
      fail_task (r, task_id, KVS_ERRNUM_INVALID_DATA, "the source is not "
          "media that libavformat reads", res);
      goto deliver;
    }
    if (!has_video && !has_audio) {
      fail_task (r, task_id, KVS_ERRNUM_NO_AV_DATA, "the source has no "
          "audio or video stream", res);
      goto deliver;
    }
  }
  desc = kvs_run_description (r, has_video, has_audio);
  pipeline = gst_parse_launch_full (desc, NULL, GST_PARSE_FLAG_FATAL_ERRORS,
      &err);
  GST_INFO ("task %s: %s", task_id, desc);
  g_free (desc);
  if (pipeline == NULL) {
    fail_task (r, task_id, err != NULL && err->domain == GST_PARSE_ERROR &&
        err->code == GST_PARSE_ERROR_NO_SUCH_ELEMENT ?
        KVS_ERRNUM_ENCODER_NOT_FOUND : KVS_ERRNUM_UNKNOWN,
        err != NULL ? err->message : "no pipeline", res);
    g_clear_error (&err);
    goto deliver;
  }
  if (!GST_IS_PIPELINE (pipeline)) {
    /* the description is one kvstask: it goes into a pipeline of its own */
    GstElement *bin = pipeline;

    pipeline = gst_pipeline_new (NULL);
    gst_bin_add (GST_BIN (pipeline), bin);
  }
  task = gst_bin_get_by_name (GST_BIN (pipeline), "task");
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  out = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");

  g_object_set (src, "location", src_path, NULL);
  g_object_set (task, "task-id", task_id, NULL);
  if (r->dst_bucket != NULL)
    g_object_set (task, "bucket", r->dst_bucket, NULL);
  if (dst_dir != NULL) {
    stage = g_strdup_printf ("%s%c.kvs-staging-%s", dst_dir, G_DIR_SEPARATOR,
        task_id);
    if (g_mkdir_with_parents (stage, 0700) != 0
        || !set_outputs (r, out, sink, stage)) {
      gchar *why = g_strdup_printf ("cannot create %s", stage);

      fail_task (r, task_id, KVS_ERRNUM_OPEN_OUTPUT, why, res);
      g_free (why);
      goto release;
    }
    g_object_set (task, "bucket-dir", stage, NULL);
  }

  bus = gst_element_get_bus (pipeline);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    GST_INFO ("task %s: the pipeline did not start", task_id);
  while (!done) {
    GstMessage *m = gst_bus_timed_pop (bus, 200 * GST_MSECOND);

    if (m == NULL) {
      gint64 pos = -1, dur = -1;

      if (progress != NULL &&
          gst_element_query_position (pipeline, GST_FORMAT_TIME, &pos) &&
          gst_element_query_duration (pipeline, GST_FORMAT_TIME, &dur) &&
          pos >= 0 && dur > 0) {
        gint p = (gint) MIN (gst_util_uint64_scale (pos, 100, dur), 99);

        if (p > last) {
          last = p;
          progress (p, user_data);
        }
      }
      continue;
    }
    switch (GST_MESSAGE_TYPE (m)) {
      case GST_MESSAGE_ELEMENT:
        if (GST_MESSAGE_SRC (m) == GST_OBJECT (task) &&
            gst_message_has_name (m, "kvstask-callback"))
          take_callback (gst_message_get_structure (m), res);
        break;
      case GST_MESSAGE_EOS:
      case GST_MESSAGE_ERROR:
        /* kvstask posts its callback before it lets either go on */
        done = TRUE;
        break;
      default:
        break;
    }
    gst_message_unref (m);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);

  if (res->body == NULL)
    fail_task (r, task_id, KVS_ERRNUM_UNKNOWN, "the task ended without a "
        "callback", res);
  if (res->status == KVS_CALLBACK_SUCCESS && stage != NULL &&
      !publish (stage, dst_dir, &err)) {
    gchar *why = g_strdup_printf ("publishing the outputs: %s", err->message);

    fail_task (r, task_id, KVS_ERRNUM_OPEN_OUTPUT, why, res);
    g_free (why);
    g_clear_error (&err);
  }
  if (progress != NULL && res->status == KVS_CALLBACK_SUCCESS)
    progress (100, user_data);

release:
  gst_object_unref (task);
  gst_object_unref (src);
  gst_object_unref (out);
  gst_clear_object (&sink);
  gst_object_unref (pipeline);

deliver:
  if (stage != NULL)
    remove_tree (stage);
  g_free (stage);

  if (r->cb_url != NULL && res->body != NULL) {
    SoupSession *session = kvs_http_session_new (10);
    KvsDelivery d;

    kvs_http_deliver (session, r->cb_url, res->body, 5, NULL, NULL, NULL, &d);
    res->delivered = d.delivered;
    res->attempts = d.attempts;
    if (!d.delivered && res->error == NULL)
      res->error = g_strdup (d.error);
    kvs_delivery_clear (&d);
    g_object_unref (session);
  }
  return res->status == KVS_CALLBACK_SUCCESS;
}

void
kvs_run_result_clear (KvsRunResult * res)
{
  g_clear_pointer (&res->body, g_free);
  g_clear_pointer (&res->error, g_free);
}
