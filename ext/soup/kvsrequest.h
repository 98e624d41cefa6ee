/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __KVS_REQUEST_H__
#define __KVS_REQUEST_H__

#include <glib.h>

G_BEGIN_DECLS
/**
 * KvsPreset:
 *
 * The task presets a request can name (`Preset`), see docs/api.md.
 */
    typedef enum
{
  KVS_PRESET_WAVE,
  KVS_PRESET_AVINFO,
  KVS_PRESET_AVSNAPSHOT,
  KVS_PRESET_AVSAMPLE,
  KVS_PRESET_SPRITES,
  KVS_PRESET_SEGMENTS,
  KVS_PRESET_AVTRANS,
} KvsPreset;

/* the public codes the task layer raises (docs/api.md says for what) */
#define KVS_PUBLIC_MISSING_PARAM 1000
#define KVS_PUBLIC_ILLEGAL_PARAM 1001
#define KVS_PUBLIC_INVALID_PRESET 1005
#define KVS_PUBLIC_ILLEGAL_CONTENT 1010
#define KVS_PUBLIC_INVALID_BUCKET 1011
#define KVS_PUBLIC_BUCKET_ACCESS 1013
#define KVS_PUBLIC_INVALID_FILE_NAME 1014
#define KVS_PUBLIC_ILLEGAL_SOURCE 1016
#define KVS_PUBLIC_TOO_MANY_SOURCES 1017
#define KVS_PUBLIC_ILLEGAL_EXTENSION 1018
#define KVS_PUBLIC_FILE_NOT_FOUND 1210
#define KVS_PUBLIC_SOURCE_TOO_LONG 1213

/* bounds of what a request may carry */
#define KVS_REQUEST_MAX_BODY (1024 * 1024)
#define KVS_REQUEST_MAX_KEY 1024
#define KVS_REQUEST_MAX_TIMES 1000

/**
 * KvsRequest:
 *
 * A validated task request. Every field has passed the checks of
 * kvs_request_parse(); the paths are not resolved yet
 * (kvs_request_resolve()).
 */
typedef struct
{
  gchar *action;
  KvsPreset preset;
  const gchar *preset_name;     /* static */
  gchar *src_bucket;
  gchar *src_key;
  gchar *dst_bucket;
  gchar *dst_key;               /* NULL: none (avinfo) */
  gchar *dst_acl;
  gchar *cb_url;                /* NULL: none */
  guint points;                 /* wave */
  GArray *times;                /* avsnapshot: gdouble seconds */
  gdouble interval;             /* avsample, sprites */
  gdouble start;
  guint count;
  guint width, height;          /* avsnapshot, avsample: 0 = source's */
  guint columns, rows;          /* sprites */
  guint tile_width, tile_height;
  gchar *vtt_key;               /* sprites: NULL = none */
  gdouble target_duration;      /* segments */
  gchar *container;             /* avtrans: mp4, flv, ts */
  guint framerate;              /* avtrans: 0 = source's */
  guint video_bitrate;          /* avtrans: kbit/s */
  guint audio_bitrate;          /* avtrans: bit/s */
} KvsRequest;

KvsRequest *kvs_request_parse (const gchar * action, const gchar * body,
    gssize length, gint * code, gchar ** detail);

void kvs_request_free (KvsRequest * request);

gboolean kvs_request_check_bucket_name (const gchar * name);

gboolean kvs_request_check_key (const gchar * key, gboolean pattern);

gboolean kvs_request_resolve (const KvsRequest * request, const gchar * root,
    gchar ** src_path, gchar ** dst_dir, gint * code, gchar ** detail);

gchar *kvs_request_response (const gchar * task_id, gint code);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvsRequest, kvs_request_free);

G_END_DECLS
#endif /* __KVS_REQUEST_H__ */
