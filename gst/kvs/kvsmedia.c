/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvsmedia.h"

static void
stream_free (gpointer p)
{
  KvsMediaStream *s = p;

  g_free (s->codec_name);
  g_free (s->codec_long_name);
  g_free (s->profile);
  g_free (s->pix_fmt);
  g_free (s->chroma_location);
  g_free (s->is_avc);
  g_free (s->sample_fmt);
  g_free (s->channel_layout);
  g_free (s);
}

/**
 * kvs_media_info_new:
 *
 * Returns: (transfer full): a file with no stream, every value unknown
 */
KvsMediaInfo *
kvs_media_info_new (void)
{
  KvsMediaInfo *info = g_new0 (KvsMediaInfo, 1);

  info->streams = g_ptr_array_new_with_free_func (stream_free);
  info->probe_score = KVS_UNKNOWN;
  info->size = KVS_UNKNOWN;
  info->start_time_us = KVS_UNKNOWN;
  info->duration_us = KVS_UNKNOWN;
  info->bit_rate = KVS_UNKNOWN;
  return info;
}

void
kvs_media_info_free (KvsMediaInfo * info)
{
  if (info == NULL)
    return;
  g_ptr_array_unref (info->streams);
  g_free (info->format_name);
  g_free (info->format_long_name);
  g_free (info);
}

/**
 * kvs_media_info_add_stream:
 * @info: the file
 * @type: the stream's type
 *
 * Returns: (transfer none): a new stream at the end, every value unknown
 */
KvsMediaStream *
kvs_media_info_add_stream (KvsMediaInfo * info, KvsMediaType type)
{
  KvsMediaStream *s = g_new0 (KvsMediaStream, 1);

  s->type = type;
  s->level = s->start_pts = s->duration_ts = KVS_UNKNOWN;
  s->bit_rate = s->max_bit_rate = s->nb_frames = KVS_UNKNOWN;
  s->width = s->height = s->coded_width = s->coded_height = KVS_UNKNOWN;
  s->has_b_frames = s->refs = s->bits_per_raw_sample = KVS_UNKNOWN;
  s->rotation = 0;
  s->sample_rate = s->channels = KVS_UNKNOWN;
  g_ptr_array_add (info->streams, s);
  return s;
}
