/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The avinfo `metainfo` document: ffprobe's -show_streams -show_format
 * JSON, restricted to the fields the service documents, with ffprobe 5.1's
 * names, value types, number formats and key order. docs/kvsprobe.md
 * gives every rule. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvsavinfo.h"

#include <gst/gst.h>

#include <libavutil/avutil.h>

static const gchar *type_names[] = {
  "video", "audio", "data", "subtitle", "attachment", NULL
};

static void
add_int (JsonBuilder * b, const gchar * name, gint64 v)
{
  if (v == KVS_UNKNOWN)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

static void
add_str (JsonBuilder * b, const gchar * name, const gchar * v)
{
  if (v == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, v);
}

/* ffprobe writes many integers as strings */
static void
add_int_str (JsonBuilder * b, const gchar * name, gint64 v)
{
  gchar buf[32];

  if (v == KVS_UNKNOWN)
    return;
  g_snprintf (buf, sizeof (buf), "%" G_GINT64_FORMAT, v);
  add_str (b, name, buf);
}

static void
add_ratio (JsonBuilder * b, const gchar * name, gint num, gint den,
    const gchar * sep)
{
  gchar buf[32];

  g_snprintf (buf, sizeof (buf), "%d%s%d", num, sep, den);
  add_str (b, name, buf);
}

/* seconds with 6 decimals, whatever the locale */
static void
add_seconds (JsonBuilder * b, const gchar * name, gdouble v)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

  add_str (b, name, g_ascii_formatd (buf, sizeof (buf), "%.6f", v));
}

/* the time base as a double, and times as ffprobe computes them: the
 * timestamp times this (not divided by the denominator: the last digit
 * can differ) */
static gdouble
time_base (const KvsMediaStream * s)
{
  return (gdouble) s->tb_num / (gdouble) s->tb_den;
}

static void
add_stream (JsonBuilder * b, guint index, const KvsMediaStream * s)
{
  gchar tag[AV_FOURCC_MAX_STRING_SIZE], hex[16];

  json_builder_begin_object (b);
  add_int (b, "index", index);
  add_str (b, "codec_name", s->codec_name);
  add_str (b, "codec_long_name", s->codec_long_name);
  add_str (b, "profile", s->profile);
  add_str (b, "codec_type", type_names[s->type]);
  if (s->ctb_num > 0 && s->ctb_den > 0)
    add_ratio (b, "codec_time_base", s->ctb_num, s->ctb_den, "/");

  add_str (b, "codec_tag_string", av_fourcc_make_string (tag, s->codec_tag));
  g_snprintf (hex, sizeof (hex), "0x%04x", s->codec_tag);
  add_str (b, "codec_tag", hex);

  if (s->type == KVS_MEDIA_VIDEO) {
    add_int (b, "width", s->width);
    add_int (b, "height", s->height);
    add_int (b, "coded_width", s->coded_width);
    add_int (b, "coded_height", s->coded_height);
    add_int (b, "has_b_frames", s->has_b_frames);
    if (s->sar_num != 0) {
      add_ratio (b, "sample_aspect_ratio", s->sar_num, s->sar_den, ":");
      add_ratio (b, "display_aspect_ratio", s->dar_num, s->dar_den, ":");
    }
    add_str (b, "pix_fmt", s->pix_fmt);
    add_int (b, "level", s->level);
    add_str (b, "chroma_location", s->chroma_location);
    add_int (b, "refs", s->refs);
  } else if (s->type == KVS_MEDIA_AUDIO) {
    add_str (b, "sample_fmt", s->sample_fmt);
    add_int_str (b, "sample_rate", s->sample_rate);
    add_int (b, "channels", s->channels);
    add_str (b, "channel_layout", s->channel_layout);
  } else if (s->type == KVS_MEDIA_SUBTITLE) {
    add_int (b, "width", s->width);
    add_int (b, "height", s->height);
  }
  add_str (b, "is_avc", s->is_avc);

  add_ratio (b, "r_frame_rate", s->r_num, s->r_den, "/");
  add_ratio (b, "avg_frame_rate", s->avg_num, s->avg_den, "/");
  add_ratio (b, "time_base", s->tb_num, s->tb_den, "/");
  if (s->start_pts != KVS_UNKNOWN) {
    add_int (b, "start_pts", s->start_pts);
    add_seconds (b, "start_time", s->start_pts * time_base (s));
  }
  if (s->duration_ts != KVS_UNKNOWN) {
    add_int (b, "duration_ts", s->duration_ts);
    add_seconds (b, "duration", s->duration_ts * time_base (s));
  }
  add_int_str (b, "bit_rate", s->bit_rate);
  add_int_str (b, "max_bit_rate", s->max_bit_rate);
  add_int_str (b, "bits_per_raw_sample", s->bits_per_raw_sample);
  add_int_str (b, "nb_frames", s->nb_frames);
  if (s->rotation != 0)
    add_int_str (b, "rotate", s->rotation);
  json_builder_end_object (b);
}

/**
 * kvs_avinfo_metainfo:
 * @info: a probed file
 *
 * Returns: (transfer full): the `metainfo` document of @info
 */
JsonNode *
kvs_avinfo_metainfo (const KvsMediaInfo * info)
{
  JsonBuilder *b = json_builder_new ();
  JsonNode *root;
  guint i;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "streams");
  json_builder_begin_array (b);
  for (i = 0; i < info->streams->len; i++)
    add_stream (b, i, g_ptr_array_index (info->streams, i));
  json_builder_end_array (b);

  json_builder_set_member_name (b, "format");
  json_builder_begin_object (b);
  add_int (b, "nb_streams", info->streams->len);
  add_str (b, "format_name", info->format_name);
  add_str (b, "format_long_name", info->format_long_name);
  if (info->duration_us != KVS_UNKNOWN)
    add_seconds (b, "duration", info->duration_us * (1.0 / AV_TIME_BASE));
  add_int_str (b, "size", info->size);
  add_int_str (b, "bit_rate", info->bit_rate);
  add_int (b, "probe_score", info->probe_score);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  g_object_unref (b);
  return root;
}

/**
 * kvs_avinfo_outmediainfo:
 * @info: a probed file
 *
 * Returns: (transfer full): the `outMediainfo` document of @info
 */
JsonNode *
kvs_avinfo_outmediainfo (const KvsMediaInfo * info)
{
  JsonBuilder *b = json_builder_new ();
  JsonNode *root;
  gint64 rotation = 0;
  guint i;

  for (i = 0; i < info->streams->len; i++) {
    const KvsMediaStream *s = g_ptr_array_index (info->streams, i);

    if (s->type == KVS_MEDIA_VIDEO && s->rotation != 0) {
      rotation = s->rotation;
      break;
    }
  }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "metadata");
  json_builder_begin_object (b);
  add_int_str (b, "rotate", rotation);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "streams");
  json_builder_begin_array (b);
  for (i = 0; i < info->streams->len; i++) {
    const KvsMediaStream *s = g_ptr_array_index (info->streams, i);

    json_builder_begin_object (b);
    add_int (b, "index", i);
    add_str (b, "codec_type", type_names[s->type]);
    add_str (b, "codec_name", s->codec_name);
    add_int_str (b, "bit_rate", s->bit_rate);
    if (s->type == KVS_MEDIA_VIDEO) {
      add_int (b, "width", s->width);
      add_int (b, "height", s->height);
      add_ratio (b, "r_frame_rate", s->r_num, s->r_den, "/");
    } else if (s->type == KVS_MEDIA_AUDIO) {
      add_int (b, "channels", s->channels);
      add_int (b, "sample_rate", s->sample_rate);
    }
    json_builder_end_object (b);
  }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "format");
  json_builder_begin_object (b);
  if (info->duration_us != KVS_UNKNOWN)
    add_seconds (b, "duration", info->duration_us * (1.0 / AV_TIME_BASE));
  add_str (b, "format_name", info->muxer_name);
  add_int (b, "size", info->size);
  add_int_str (b, "bit_rate", info->bit_rate);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  g_object_unref (b);
  return root;
}
