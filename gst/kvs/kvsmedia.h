/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __KVS_MEDIA_H__
#define __KVS_MEDIA_H__

#include <glib.h>

G_BEGIN_DECLS
/* What a probe learns about a file, value by value as ffprobe 5.1 prints
 * it: unknown integers are KVS_UNKNOWN, unknown strings and rationals
 * NULL / 0/0 where ffprobe leaves the field out. The documents
 * (kvsavinfo.c) only decide names, types and order; every rule of what is
 * known is the prober's (kvsavprobe.c). */
#define KVS_UNKNOWN G_MININT64
    typedef enum
{
  KVS_MEDIA_VIDEO,
  KVS_MEDIA_AUDIO,
  KVS_MEDIA_DATA,
  KVS_MEDIA_SUBTITLE,
  KVS_MEDIA_ATTACHMENT,
  KVS_MEDIA_UNKNOWN,
} KvsMediaType;

typedef struct
{
  KvsMediaType type;
  gchar *codec_name;            /* FFmpeg's codec name, e.g. "h264" */
  gchar *codec_long_name;
  gchar *profile;
  guint32 codec_tag;            /* the container's fourcc, little-endian */
  gint64 level;

  /* timing, in units of the stream's time base */
  gint tb_num, tb_den;
  gint64 start_pts;
  gint64 duration_ts;
  gint r_num, r_den;            /* real base frame rate; 0/0 when none */
  gint avg_num, avg_den;        /* average frame rate; 0/0 when none */
  gint ctb_num, ctb_den;        /* the decoder's time base; 0/0 when none */
  gint64 bit_rate;
  gint64 max_bit_rate;
  gint64 bits_per_raw_sample;
  gint64 nb_frames;

  /* video (and subtitle sizes) */
  gint64 width, height, coded_width, coded_height;
  gint64 has_b_frames;
  gint sar_num, sar_den;        /* 0/0 unknown */
  gint dar_num, dar_den;        /* 0/0 unknown */
  gchar *pix_fmt;
  gchar *chroma_location;
  gint64 refs;
  gchar *is_avc;                /* the H.264 decoder's "true"/"false" */
  gint64 rotation;              /* clockwise degrees, 0 when upright */

  /* audio */
  gchar *sample_fmt;
  gint64 sample_rate;
  gint64 channels;
  gchar *channel_layout;
} KvsMediaStream;

typedef struct
{
  GPtrArray *streams;           /* KvsMediaStream, in the file's order */
  gchar *format_name;
  gchar *format_long_name;
  const gchar *muxer_name;      /* FFmpeg's muxer for the format, e.g. "mp4" */
  gint64 probe_score;
  gint64 size;
  gint64 start_time_us;         /* in microseconds */
  gint64 duration_us;
  gint64 bit_rate;
} KvsMediaInfo;

KvsMediaInfo *kvs_media_info_new (void);

void kvs_media_info_free (KvsMediaInfo * info);

KvsMediaStream *kvs_media_info_add_stream (KvsMediaInfo * info,
    KvsMediaType type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvsMediaInfo, kvs_media_info_free);

G_END_DECLS
#endif /* __KVS_MEDIA_H__ */
