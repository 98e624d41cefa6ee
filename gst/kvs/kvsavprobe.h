/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __KVS_AV_PROBE_H__
#define __KVS_AV_PROBE_H__

#include <glib.h>

#include "kvsmedia.h"

G_BEGIN_DECLS
#define KVS_AV_PROBE_ERROR (kvs_av_probe_error_quark ())
    GQuark kvs_av_probe_error_quark (void);

/**
 * KvsAvProbeError:
 * @KVS_AV_PROBE_ERROR_EMPTY: the input has no byte
 * @KVS_AV_PROBE_ERROR_READ: reading the input failed
 * @KVS_AV_PROBE_ERROR_FORMAT: no demuxer recognises the input
 * @KVS_AV_PROBE_ERROR_HEADERS: the demuxer could not read the headers or
 *     the streams' parameters (missing, damaged, cut short)
 * @KVS_AV_PROBE_ERROR_CODEC: a stream's decoder could not be set up from
 *     its parameters
 * @KVS_AV_PROBE_ERROR_INTERRUPTED: the input's interrupted() said stop
 * @KVS_AV_PROBE_ERROR_FAILED: anything else (out of memory)
 *
 * Where a probe stops: the stages at which ffprobe gives up on a file.
 */
typedef enum
{
  KVS_AV_PROBE_ERROR_EMPTY,
  KVS_AV_PROBE_ERROR_READ,
  KVS_AV_PROBE_ERROR_FORMAT,
  KVS_AV_PROBE_ERROR_HEADERS,
  KVS_AV_PROBE_ERROR_CODEC,
  KVS_AV_PROBE_ERROR_INTERRUPTED,
  KVS_AV_PROBE_ERROR_FAILED,
} KvsAvProbeError;

/**
 * KvsAvInput:
 * @read: reads up to @size bytes at @offset into @buf; returns the number
 *     read, 0 at the end of the input, or a negative number on failure
 * @interrupted: (nullable): polled while libavformat works; TRUE stops it
 * @user_data: for @read and @interrupted
 * @size: the input's size in bytes, or -1 when unknown
 * @url: (nullable): the input's name, whose extension helps the format
 *     probe as it does ffprobe's (`in.mp3`)
 *
 * A byte stream that can be read at any offset, as a file is.
 */
typedef struct
{
  gint (*read) (gpointer user_data, guint64 offset, guint8 * buf, gint size);
  gboolean (*interrupted) (gpointer user_data);
  gpointer user_data;
  gint64 size;
  const gchar *url;
} KvsAvInput;

gint kvs_av_read_fd (gint fd, guint64 offset, guint8 * buf, gint size);

gboolean kvs_av_probe (const KvsAvInput * input, KvsMediaInfo * info,
    GError ** error);

/**
 * KvsAvTimeline:
 * @start_us: the file's start, as ffmpeg's `-ss` counts from it (the
 *   format's start_time; 0 when unknown), in microseconds
 * @first_frame_us: the first picture's timestamp, on the same clock
 * @duration_us: the file's duration from its start, or -1
 */
typedef struct
{
  gint64 start_us;
  gint64 first_frame_us;
  gint64 duration_us;
} KvsAvTimeline;

gboolean kvs_av_timeline (const KvsAvInput * input, KvsAvTimeline * timeline,
    GError ** error);

G_END_DECLS
#endif /* __KVS_AV_PROBE_H__ */
