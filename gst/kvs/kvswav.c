/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* RIFF WAVE with PCM, read the way FFmpeg 5.1 reads it (libavformat/
 * wavdec.c and riffdec.c's ff_get_wav_header): the format chunk gives the
 * codec (by format tag and bits per sample), the header's byte rate the
 * bit rate, the data chunk's size the duration (data bits / (channels x
 * bits per sample)), all in 1/sample_rate. A channel layout only comes
 * from a WAVE_FORMAT_EXTENSIBLE mask that matches the channel count. No
 * start time: ffprobe prints none for WAV. Only the chunk headers up to
 * the data chunk are read. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvscodecs.h"
#include "kvsprober.h"

#include <string.h>

#define FMT_MAX 64

typedef struct
{
  guint64 next;                 /* the next chunk header's offset */
  guint8 hdr[12];
  guint hdr_len;
  guint8 fmt[FMT_MAX];
  guint fmt_len, fmt_size;
  guint64 fmt_end;
  gboolean in_fmt, got_fmt;
  gboolean riff_ok;
  gboolean got_data;
  guint64 data_offset, data_size;
  gboolean data_unsized;
} WavState;

static gpointer
wav_new_state (gboolean random_access)
{
  return g_new0 (WavState, 1);
}

static void
wav_free_state (gpointer p)
{
  g_free (p);
}

/* takes a chunk header; returns FALSE when the walk is over */
static gboolean
wav_chunk (WavState * st, guint64 offset)
{
  guint32 size = GST_READ_UINT32_LE (st->hdr + 4);

  if (memcmp (st->hdr, "fmt ", 4) == 0 && !st->got_fmt) {
    st->in_fmt = TRUE;
    st->fmt_size = MIN (size, FMT_MAX);
    st->fmt_len = 0;
    st->fmt_end = offset + size;
  } else if (memcmp (st->hdr, "data", 4) == 0) {
    st->got_data = TRUE;
    st->data_offset = offset;
    st->data_unsized = size == 0 || size == 0xffffffff;
    st->data_size = st->data_unsized ? 0 : size;
    return FALSE;
  }
  st->next = offset + size + (size & 1);
  return TRUE;
}

static guint64
wav_feed (gpointer p, guint64 offset, const guint8 * data, gsize size)
{
  WavState *st = p;
  guint64 end = offset + size;

  while (offset < end) {
    if (st->in_fmt) {
      guint n = MIN (st->fmt_size - st->fmt_len, end - offset);

      memcpy (st->fmt + st->fmt_len, data + (offset - (end - size)), n);
      st->fmt_len += n;
      offset += n;
      if (st->fmt_len < st->fmt_size)
        return offset;
      st->in_fmt = FALSE;
      st->got_fmt = TRUE;
      offset = st->next;
      continue;
    }
    if (offset < st->next) {
      if (st->next >= end)
        return st->next;
      offset = st->next;
    }
    {
      guint need = st->riff_ok ? 8 : 12;
      guint n = MIN (need - st->hdr_len, end - offset);

      memcpy (st->hdr + st->hdr_len, data + (offset - (end - size)), n);
      st->hdr_len += n;
      offset += n;
      st->next = offset;
      if (st->hdr_len < need)
        return offset;
      st->hdr_len = 0;
      if (!st->riff_ok) {
        if (memcmp (st->hdr, "RIFF", 4) != 0 ||
            memcmp (st->hdr + 8, "WAVE", 4) != 0)
          return KVS_PROBER_DONE;
        st->riff_ok = TRUE;
        continue;
      }
      if (!wav_chunk (st, offset))
        return KVS_PROBER_DONE;
      if (st->in_fmt && st->fmt_size == 0) {
        st->in_fmt = FALSE;
        st->got_fmt = TRUE;
      }
    }
  }
  return st->in_fmt ? offset : MAX (st->next, offset);
}

/* ff_wav_codec_get_id() and ff_get_pcm_codec_id() for PCM */
static gboolean
wav_codec (KvsMediaStream * s, guint tag, guint bps)
{
  static const struct
  {
    guint tag, bytes;
    const gchar *name, *fmt;
  } codecs[] = {
    {1, 1, "pcm_u8", "u8"}, {1, 2, "pcm_s16le", "s16"},
    {1, 3, "pcm_s24le", "s32"}, {1, 4, "pcm_s32le", "s32"},
    {3, 4, "pcm_f32le", "flt"}, {3, 8, "pcm_f64le", "dbl"},
    {6, 0, "pcm_alaw", "s16"}, {7, 0, "pcm_mulaw", "s16"},
  };
  guint bytes = (bps + 7) / 8, i;

  for (i = 0; i < G_N_ELEMENTS (codecs); i++) {
    if (codecs[i].tag != tag || (codecs[i].bytes && codecs[i].bytes != bytes))
      continue;
    s->codec_name = codecs[i].name;
    s->sample_fmt = codecs[i].fmt;
    /* the PCM decoder gives s32 output its bits per raw sample */
    if (g_str_equal (codecs[i].fmt, "s32"))
      s->bits_per_raw_sample = bytes * 8;
    return TRUE;
  }
  return FALSE;
}

/* the bits av_get_bits_per_sample() gives the codec */
static guint
codec_bits (const KvsMediaStream * s)
{
  if (g_str_equal (s->codec_name, "pcm_alaw") ||
      g_str_equal (s->codec_name, "pcm_mulaw"))
    return 8;
  if (g_str_equal (s->codec_name, "pcm_u8"))
    return 8;
  if (g_str_equal (s->codec_name, "pcm_s16le"))
    return 16;
  if (g_str_equal (s->codec_name, "pcm_s24le"))
    return 24;
  if (g_str_equal (s->codec_name, "pcm_f64le"))
    return 64;
  return 32;
}

static gint64
bit_count (guint32 mask)
{
  gint64 n = 0;

  for (; mask != 0; mask &= mask - 1)
    n++;
  return n;
}

/* ff_get_wav_header(), the fields ffprobe prints */
static gboolean
wav_parse_fmt (WavState * st, KvsMediaStream * s)
{
  const guint8 *f = st->fmt;
  guint tag, bps = 8;

  if (st->fmt_len < 14)
    return FALSE;
  tag = GST_READ_UINT16_LE (f);
  s->channels = GST_READ_UINT16_LE (f + 2);
  s->sample_rate = GST_READ_UINT32_LE (f + 4);
  s->bit_rate = (gint64) GST_READ_UINT32_LE (f + 8) * 8;
  if (st->fmt_len >= 16)
    bps = GST_READ_UINT16_LE (f + 14);
  if (tag == 0xfffe && st->fmt_len >= 40) {
    guint valid = GST_READ_UINT16_LE (f + 18);
    guint32 mask = GST_READ_UINT32_LE (f + 20);

    if (valid != 0)
      bps = valid;
    if (mask != 0 && bit_count (mask) == s->channels)
      s->channel_layout = kvs_channel_layout_name (mask);
    tag = GST_READ_UINT32_LE (f + 24);
  }
  s->codec_tag = tag;
  if (s->bit_rate <= 0)
    s->bit_rate = KVS_UNKNOWN;
  return wav_codec (s, tag, bps) && s->sample_rate > 0 && s->channels > 0;
}

static gboolean
wav_finish (gpointer p, guint64 size, KvsMediaInfo * info, GError ** error)
{
  WavState *st = p;
  KvsMediaStream *s;
  guint64 data_size = st->data_size;

  if (!st->got_fmt || !st->got_data) {
    g_set_error (error, KVS_PROBER_ERROR, KVS_PROBER_ERROR_NO_INFO,
        "no WAVE format and data chunks");
    return FALSE;
  }
  s = kvs_media_info_add_stream (info, KVS_MEDIA_AUDIO);
  if (!wav_parse_fmt (st, s)) {
    g_set_error (error, KVS_PROBER_ERROR, KVS_PROBER_ERROR_CODEC,
        "a WAVE format kvsprobe does not read (tag 0x%04x)", s->codec_tag);
    return FALSE;
  }
  s->tb_num = 1;
  s->tb_den = s->sample_rate;

  if (st->data_unsized && size > st->data_offset)
    data_size = size - st->data_offset;
  if (data_size > 0 && (st->data_unsized ||
          st->data_offset + data_size <= size))
    s->duration_ts = data_size * 8 / (s->channels * codec_bits (s));
  else if (s->bit_rate > 0 && size > st->data_offset)
    /* estimate_timings_from_bit_rate() */
    s->duration_ts = (gint64) gst_util_uint64_scale_round (size -
        st->data_offset, 8 * (guint64) s->sample_rate, s->bit_rate);

  info->format_name = "wav";
  info->format_long_name = "WAV / WAVE (Waveform Audio)";
  info->muxer_name = "wav";
  info->probe_score = 99;       /* AVPROBE_SCORE_MAX - 1 */
  info->size = size;
  if (s->duration_ts != KVS_UNKNOWN) {
    info->duration_us = (gint64) gst_util_uint64_scale_round (s->duration_ts,
        G_USEC_PER_SEC, s->sample_rate);
    if (info->duration_us > 0)
      info->bit_rate = (gint64) ((gdouble) size * 8.0 * G_USEC_PER_SEC /
          (gdouble) info->duration_us);
  }
  return TRUE;
}

static const gchar *const wav_media_types[] = { "audio/x-wav", NULL };

const KvsProberClass kvs_wav_prober = {
  "wav",
  wav_media_types,
  wav_new_state,
  wav_free_state,
  wav_feed,
  wav_finish,
};
