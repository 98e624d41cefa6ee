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
/* What the container and codec parsers learn about a file, in the terms
 * ffprobe reports it in. Unknown integers are KVS_UNKNOWN, unknown strings
 * NULL: the documents leave them out, as ffprobe 5.1 does. */
#define KVS_UNKNOWN G_MININT64
    typedef enum
{
  KVS_MEDIA_VIDEO,
  KVS_MEDIA_AUDIO,
  KVS_MEDIA_DATA,
  KVS_MEDIA_SUBTITLE,
} KvsMediaType;

typedef struct
{
  KvsMediaType type;
  const gchar *codec_name;      /* ffprobe's name, e.g. "h264" */
  guint32 codec_tag;            /* the container's fourcc, little-endian */
  gchar *profile;
  gint64 level;

  /* timing, in units of the stream's time base */
  gint tb_num, tb_den;
  gint64 start_pts;
  gint64 duration_ts;
  gint r_num, r_den;            /* real base frame rate; 0/0 when none */
  gint avg_num, avg_den;        /* average frame rate; 0/0 when none */
  gint64 bit_rate;
  gint64 max_bit_rate;
  gint64 nb_frames;
  gint64 id;

  /* video */
  gint64 width, height, coded_width, coded_height;
  gint64 has_b_frames;
  gint sar_num, sar_den;        /* 0/0 unknown */
  const gchar *pix_fmt;
  const gchar *chroma_location;
  gint64 refs;
  gint is_avc;                  /* -1 unknown */
  gint64 bits_per_raw_sample;
  gint64 rotation;              /* display matrix rotation, degrees */

  /* audio */
  const gchar *sample_fmt;
  gint64 sample_rate;
  gint64 channels;
  const gchar *channel_layout;
} KvsMediaStream;

typedef struct
{
  GPtrArray *streams;           /* KvsMediaStream, in the file's order */
  const gchar *format_name;
  const gchar *format_long_name;
  const gchar *muxer_name;      /* FFmpeg's muxer for the format, e.g. "mp4" */
  gint64 probe_score;
  guint64 size;
  gint64 start_time_us;         /* in microseconds */
  gint64 duration_us;
  gint64 bit_rate;
} KvsMediaInfo;

KvsMediaInfo *kvs_media_info_new (void);

void kvs_media_info_free (KvsMediaInfo * info);

KvsMediaStream *kvs_media_info_add_stream (KvsMediaInfo * info,
    KvsMediaType type);

void kvs_media_approximate (gdouble v, gint64 max, gint * num, gint * den);

void kvs_media_guess_frame_rate (gint64 frames, gint64 span, gint tb_num,
    gint tb_den, gint * num, gint * den);

void kvs_media_frame_rate_from_pts (gint64 * pts, guint n, gint tb_num,
    gint tb_den, gint * num, gint * den);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvsMediaInfo, kvs_media_info_free);

G_END_DECLS
#endif /* __KVS_MEDIA_H__ */
