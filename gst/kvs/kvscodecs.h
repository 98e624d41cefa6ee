/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __KVS_CODECS_H__
#define __KVS_CODECS_H__

#include "kvsmedia.h"

G_BEGIN_DECLS
/* Codec headers, read the way FFmpeg's decoders read them, into what
 * ffprobe reports of a stream. Each returns FALSE if the header is not
 * one. */
    gboolean kvs_h264_parse_sps (KvsMediaStream * s, const guint8 * nal,
    gsize size);

gboolean kvs_h264_parse_avcc (KvsMediaStream * s, const guint8 * avcc,
    gsize size);

gboolean kvs_h265_parse_sps (KvsMediaStream * s, const guint8 * nal,
    gsize size);

gboolean kvs_h265_parse_hvcc (KvsMediaStream * s, const guint8 * hvcc,
    gsize size);

gboolean kvs_mpeg4_parse_config (KvsMediaStream * s, const guint8 * config,
    gsize size);

gboolean kvs_aac_parse_config (KvsMediaStream * s, const guint8 * asc,
    gsize size);

gboolean kvs_vp8_parse_frame (KvsMediaStream * s, const guint8 * frame,
    gsize size);

gboolean kvs_vp9_parse_frame (KvsMediaStream * s, const guint8 * frame,
    gsize size);

gboolean kvs_opus_parse_head (KvsMediaStream * s, const guint8 * head,
    gsize size);

gboolean kvs_vorbis_parse_id (KvsMediaStream * s, const guint8 * id,
    gsize size);


guint kvs_mpa_frame_bit_rate (const guint8 * frame, gsize size,
    guint * frame_size);

gboolean kvs_flac_parse_streaminfo (KvsMediaStream * s, const guint8 * si,
    gsize size, guint64 * total_samples);

const gchar *kvs_channel_layout_name (guint64 mask);

const gchar *kvs_channel_layout_default (gint64 channels,
    const gchar * const *table);

/**
 * KvsMpaHeader:
 * @frame_bytes: the frame's size, header included
 * @samples: samples per channel in the frame
 * @bit_rate: the header's bit rate, in bit/s
 * @sample_rate: in Hz
 * @channels: 1 or 2
 * @layer: 1, 2 or 3
 *
 * An MPEG audio frame header, as FFmpeg's ff_mpa_decode_header reads it.
 */
typedef struct
{
  guint frame_bytes;
  guint samples;
  gint64 bit_rate;
  gint sample_rate;
  guint channels;
  guint layer;
} KvsMpaHeader;

gboolean kvs_mpa_read_header (guint32 header, KvsMpaHeader * h);

void kvs_mpa_fill (KvsMediaStream * s, const KvsMpaHeader * h);

/**
 * KvsAdtsHeader:
 * @frame_bytes: aac_frame_length, header included
 * @samples: samples per channel (1024 per raw data block)
 * @bit_rate: frame_bytes * 8 * sample_rate / samples, as FFmpeg's
 *     ADTS header reader computes it
 * @sample_rate: in Hz
 */
typedef struct
{
  guint frame_bytes;
  guint samples;
  gint64 bit_rate;
  gint sample_rate;
} KvsAdtsHeader;

gboolean kvs_adts_read_header (const guint8 * data, gsize size,
    KvsAdtsHeader * h);

gboolean kvs_aac_parse_adts (KvsMediaStream * s, const guint8 * data,
    gsize size);

const gchar *kvs_codec_long_name (const gchar * codec_name);

G_END_DECLS
#endif /* __KVS_CODECS_H__ */
