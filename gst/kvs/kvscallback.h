/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __KVS_CALLBACK_H__
#define __KVS_CALLBACK_H__

#include <gst/gst.h>

G_BEGIN_DECLS
/* the service's task callback bodies (docs/callback.md) */
/**
 * KvsCallbackStatus:
 * @KVS_CALLBACK_PROCESSING: a progress callback
 * @KVS_CALLBACK_SUCCESS: the task (or sub-task) succeeded
 * @KVS_CALLBACK_FAILURE: it failed
 *
 * The `Status` of a callback body.
 */
    typedef enum
{
  KVS_CALLBACK_PROCESSING = 2,
  KVS_CALLBACK_SUCCESS = 3,
  KVS_CALLBACK_FAILURE = 4,
} KvsCallbackStatus;

/**
 * KvsCallbackFlags:
 * @KVS_CALLBACK_LEGACY: the body for old users: lower-case top-level keys
 *   and the `itmes` array
 */
typedef enum
{
  KVS_CALLBACK_FLAGS_NONE = 0,
  KVS_CALLBACK_LEGACY = 1 << 0,
} KvsCallbackFlags;

/**
 * KvsTaskOutput:
 * @type: the task type: `avinfo`, `avtrans`, `avsnapshot`, `avsample`,
 *   `wave`
 * @errnum: 0, or the documented callback error code
 * @errmsg: the reason; %NULL for the code's documented message
 * @bucket: where the outputs are (%NULL: `""`)
 * @dstpath: the output's path in the bucket (%NULL: `""`)
 * @metainfo: the metainfo document (JSON text), or %NULL
 * @out_mediainfo: the outMediainfo document, or %NULL
 * @segmentlisttype: `m3u8` for a segmenting task, or %NULL
 * @segmentsinfo: the segment array (JSON text), or %NULL
 * @thumnailsinfo: the sprite sheet array (JSON text), or %NULL
 * @snapshot_num: images written; negative when not a snapshot task
 *
 * One task's result, as its callback reports it. The documents go into the
 * body as JSON strings, as the service sends them.
 */
typedef struct
{
  const gchar *type;
  gint errnum;
  const gchar *errmsg;
  const gchar *bucket;
  const gchar *dstpath;
  const gchar *metainfo;
  const gchar *out_mediainfo;
  const gchar *segmentlisttype;
  const gchar *segmentsinfo;
  const gchar *thumnailsinfo;
  gint snapshot_num;
} KvsTaskOutput;

gchar *kvs_callback_task_id_new (GDateTime * now);

gchar *kvs_callback_body (const gchar * task_id, const KvsTaskOutput * output,
    KvsCallbackFlags flags);

gchar *kvs_callback_body_streaming (const gchar * task_id,
    const KvsTaskOutput * outputs, guint n_outputs, KvsCallbackFlags flags);

gchar *kvs_callback_body_progress (const gchar * task_id, const gchar * type,
    const gchar * stage, gint progress, KvsCallbackFlags flags);

G_END_DECLS
#endif /* __KVS_CALLBACK_H__ */
