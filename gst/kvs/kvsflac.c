/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Native FLAC, read the way FFmpeg 5.1 reads it (libavformat/flacdec.c):
 * the STREAMINFO block gives everything; the time base is 1/sample_rate,
 * the start 0 and the duration STREAMINFO's total samples. The stream has
 * no bit rate. Only the first 42 bytes are read. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvscodecs.h"
#include "kvsprober.h"

#include <string.h>

/* "fLaC", a metadata block header, STREAMINFO */
#define HEAD_SIZE (4 + 4 + 34)

typedef struct
{
  guint8 head[HEAD_SIZE];
  guint len;
} FlacState;

static gpointer
flac_new_state (gboolean random_access)
{
  return g_new0 (FlacState, 1);
}

static void
flac_free_state (gpointer p)
{
  g_free (p);
}

static guint64
flac_feed (gpointer p, guint64 offset, const guint8 * data, gsize size)
{
  FlacState *st = p;
  guint n = MIN (HEAD_SIZE - st->len, size);

  memcpy (st->head + st->len, data, n);
  st->len += n;
  return st->len == HEAD_SIZE ? KVS_PROBER_DONE : offset + size;
}

static gboolean
flac_finish (gpointer p, guint64 size, KvsMediaInfo * info, GError ** error)
{
  FlacState *st = p;
  KvsMediaStream *s;
  guint64 total = 0;

  if (st->len < HEAD_SIZE || memcmp (st->head, "fLaC", 4) != 0 ||
      (st->head[4] & 0x7f) != 0) {
    g_set_error (error, KVS_PROBER_ERROR, KVS_PROBER_ERROR_NO_INFO,
        "no FLAC STREAMINFO block");
    return FALSE;
  }
  s = kvs_media_info_add_stream (info, KVS_MEDIA_AUDIO);
  if (!kvs_flac_parse_streaminfo (s, st->head + 8, 34, &total)) {
    g_set_error (error, KVS_PROBER_ERROR, KVS_PROBER_ERROR_NO_INFO,
        "the FLAC STREAMINFO block is damaged");
    return FALSE;
  }
  s->tb_num = 1;
  s->tb_den = s->sample_rate;
  s->start_pts = 0;
  if (total > 0)
    s->duration_ts = total;

  info->format_name = "flac";
  info->format_long_name = "raw FLAC";
  info->muxer_name = "flac";
  info->probe_score = 100;
  info->size = size;
  info->start_time_us = 0;
  if (total > 0) {
    info->duration_us = (gint64) gst_util_uint64_scale_round (total,
        G_USEC_PER_SEC, s->sample_rate);
    if (info->duration_us > 0)
      info->bit_rate = (gint64) ((gdouble) size * 8.0 * G_USEC_PER_SEC /
          (gdouble) info->duration_us);
  }
  return TRUE;
}

static const gchar *const flac_media_types[] = { "audio/x-flac", NULL };

const KvsProberClass kvs_flac_prober = {
  "flac",
  flac_media_types,
  flac_new_state,
  flac_free_state,
  flac_feed,
  flac_finish,
};
