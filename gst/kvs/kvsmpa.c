/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Raw MPEG audio elementary streams, MP1/2/3 and ADTS AAC, read the way
 * FFmpeg 5.1 reads them (libavformat/mp3dec.c, aacdec.c and what
 * avformat_find_stream_info does with them):
 *
 * - ID3v2 tags at the start are skipped; the data starts after them (and,
 *   in an MP3, after a Xing/Info/VBRI frame).
 * - find_stream_info reads 50 frames (max_ts_probe: these streams carry no
 *   time stamps). The parsers keep a running integer average of the frame
 *   bit rates: the ADTS parser over those 50 frames, the MPEG audio parser
 *   over every header in the 1024-byte packets the MP3 demuxer read to
 *   give those 50 frames.
 * - Without a Xing frame count, the duration is estimated from that bit
 *   rate and the file size (estimate_timings_from_bit_rate).
 * - A LAME/Lavf/Lavc tag after a Xing/Info header sets the start to the
 *   encoder delay plus 529 samples.
 *
 * Only the first frames are read; the end of the file is never needed. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvscodecs.h"
#include "kvsprober.h"

#include <string.h>

/* bytes kept from the start of the data: FFmpeg looks for the first frame
 * within 64 KiB, and the first frame holds the Xing header */
#define HEAD_SIZE (64 * 1024 + 4096)
#define PROBE_FRAMES 50         /* max_ts_probe */
#define MP3_PACKET 1024         /* MP3_PACKET_SIZE */
#define MAX_FRAMES 512
#define MP3_TIME_BASE 14112000  /* the LCM of the MP3 sample rates */
#define AAC_TIME_BASE 28224000

typedef enum
{
  KIND_UNKNOWN,
  KIND_MP3,                     /* MPEG-1/2/2.5 layers 1 to 3 */
  KIND_ADTS,
} Kind;

typedef struct
{
  guint32 size;
  gint64 bit_rate;
} Frame;

typedef struct
{
  /* MPEG audio or ADTS frame header, decoded */
  guint frame_size;
  gint64 bit_rate;
  guint sample_rate;
  guint channels;
  guint spf;                    /* samples per frame */
  guint layer;                  /* 1..3; 0 for ADTS */
  gboolean lsf;
  guint profile;                /* ADTS: the object type minus 1 */
  guint rate_index;             /* ADTS */
  guint channel_config;         /* ADTS */
} Header;

typedef struct
{
  gboolean random_access;
  gboolean done;

  /* the head: ID3v2 tags skipped, then HEAD_SIZE bytes kept */
  guint64 head_start;
  GByteArray *head;
  gboolean analysed;

  Kind kind;
  Header first;
  guint64 tag_pos;              /* where the first header was looked for */
  guint64 data_offset;          /* FFmpeg's data_offset */
  gint64 start_skip;            /* LAME encoder delay + 529, or -1 */
  guint32 xing_frames;
  guint32 xing_bytes;
  gboolean has_vbr_tag;
  gboolean is_cbr;              /* an Info tag */

  /* the frame walk */
  guint64 next;                 /* the next header's offset */
  guint8 carry[8];
  guint carry_len;
  Frame frames[MAX_FRAMES];
  guint n_frames;
  gboolean walk_over;
} MpaState;

/* ---- headers ------------------------------------------------------------- */

/* ff_mpa_check_header() and avpriv_mpegaudio_decode_header(); free format
 * streams are not read */
static gboolean
mpa_parse_header (guint32 h, Header * hd)
{
  KvsMpaHeader m;

  if (!kvs_mpa_read_header (h, &m))
    return FALSE;
  memset (hd, 0, sizeof (*hd));
  hd->layer = m.layer;
  hd->lsf = ((h >> 19) & 3) != 3;
  hd->sample_rate = m.sample_rate;
  hd->bit_rate = m.bit_rate;
  hd->channels = m.channels;
  hd->frame_size = m.frame_bytes;
  hd->spf = m.samples;
  return TRUE;
}

/* ff_adts_header_parse() */
static gboolean
adts_parse_header (const guint8 * d, Header * hd)
{
  KvsAdtsHeader a;

  if (!kvs_adts_read_header (d, 7, &a))
    return FALSE;
  memset (hd, 0, sizeof (*hd));
  hd->profile = d[2] >> 6;
  hd->rate_index = (d[2] >> 2) & 15;
  hd->sample_rate = a.sample_rate;
  hd->channel_config = ((d[2] & 1) << 2) | (d[3] >> 6);
  hd->frame_size = a.frame_bytes;
  hd->spf = a.samples;
  hd->bit_rate = a.bit_rate;
  return TRUE;
}

static gboolean
parse_header (Kind kind, const guint8 * d, Header * hd)
{
  if (kind == KIND_ADTS)
    return adts_parse_header (d, hd);
  return mpa_parse_header (GST_READ_UINT32_BE (d), hd);
}

static guint
header_len (Kind kind)
{
  return kind == KIND_ADTS ? 7 : 4;
}

/* ---- the head: the first frame and its Xing/Info/VBRI/LAME tags ---------- */

static guint32
rd32 (const guint8 * d, gsize size, gsize pos)
{
  return pos + 4 <= size ? GST_READ_UINT32_BE (d + pos) : 0;
}

/* mp3_parse_info_tag(): Xing/Info, then the LAME tag's encoder delay */
static void
parse_xing (MpaState * st, const guint8 * f, gsize size)
{
  static const guint offsets[2][2] = { {32, 17}, {17, 9} };
  gsize pos = 4 + offsets[st->first.lsf][st->first.channels == 1];
  guint32 tag = rd32 (f, size, pos), flags;

  st->is_cbr = tag == GST_READ_UINT32_BE ("Info");
  if (tag != GST_READ_UINT32_BE ("Xing") && !st->is_cbr)
    return;
  flags = rd32 (f, size, pos + 4);
  pos += 8;
  if (flags & 1) {
    st->xing_frames = rd32 (f, size, pos);
    pos += 4;
  }
  if (flags & 2) {
    st->xing_bytes = rd32 (f, size, pos);
    pos += 4;
  }
  if (flags & 4)
    pos += 100;
  if (flags & 8)
    pos += 4;
  /* version[9], revision, lowpass, peak[4], gains[4], flags, abr, delays */
  if (pos + 24 <= size && (memcmp (f + pos, "LAME", 4) == 0 ||
          memcmp (f + pos, "Lavf", 4) == 0 ||
          memcmp (f + pos, "Lavc", 4) == 0)) {
    guint32 v = GST_READ_UINT24_BE (f + pos + 21);

    st->start_skip = (v >> 12) + 528 + 1;
  }
}

/* mp3_parse_vbri_tag() */
static void
parse_vbri (MpaState * st, const guint8 * f, gsize size)
{
  if (rd32 (f, size, 36) == GST_READ_UINT32_BE ("VBRI") && size >= 54 &&
      GST_READ_UINT16_BE (f + 40) == 1) {
    st->xing_bytes = rd32 (f, size, 46);
    st->xing_frames = rd32 (f, size, 50);
  }
}

/* the first frame of an MP3 at the ID3v2 tags' end (mp3_parse_vbr_tags) */
static void
parse_vbr_tags (MpaState * st, const guint8 * d, gsize size)
{
  Header hd;

  if (size < 4 || !mpa_parse_header (GST_READ_UINT32_BE (d), &hd) ||
      hd.layer != 3)
    return;
  st->first = hd;
  parse_xing (st, d, MIN (size, hd.frame_size));
  parse_vbri (st, d, MIN (size, hd.frame_size));
  if (st->xing_frames == 0 && st->xing_bytes == 0)
    return;
  st->has_vbr_tag = TRUE;
  st->data_offset = st->tag_pos + hd.frame_size;
}

/* mp3_read_header(): the first header followed by a matching one */
static gboolean
find_mp3_sync (MpaState * st, const guint8 * d, gsize size, gsize from)
{
  gsize i;

  for (i = from; i + 4 <= size && i - from < 64 * 1024; i++) {
    Header a, b;

    if (!mpa_parse_header (GST_READ_UINT32_BE (d + i), &a))
      continue;
    if (i + a.frame_size + 4 > size ||
        !mpa_parse_header (GST_READ_UINT32_BE (d + i + a.frame_size), &b))
      continue;
    if ((GST_READ_UINT32_BE (d + i) & 0xfffe0ccf) !=
        (GST_READ_UINT32_BE (d + i + a.frame_size) & 0xfffe0ccf))
      continue;
    st->data_offset = st->head_start + i;
    if (!st->has_vbr_tag)
      st->first = a;
    return TRUE;
  }
  return FALSE;
}

/* adts_aac_resync(): the first 12-bit sync word */
static gboolean
find_adts_sync (MpaState * st, const guint8 * d, gsize size)
{
  gsize i;

  for (i = 0; i + 7 <= size; i++) {
    if (d[i] == 0xff && (d[i + 1] & 0xf0) == 0xf0) {
      if (!adts_parse_header (d + i, &st->first))
        return FALSE;
      st->data_offset = st->head_start + i;
      return TRUE;
    }
  }
  return FALSE;
}

/* ADTS has layer bits 00, which MPEG audio does not use */
static Kind
guess_kind (const guint8 * d, gsize size)
{
  gsize i;

  for (i = 0; i + 4 <= size; i++) {
    if (d[i] != 0xff || (d[i + 1] & 0xe0) != 0xe0)
      continue;
    if ((d[i + 1] & 0xf6) == 0xf0)
      return KIND_ADTS;
    if ((d[i + 1] & 0x06) != 0)
      return KIND_MP3;
  }
  return KIND_UNKNOWN;
}

static void
walk (MpaState * st, guint64 offset, const guint8 * data, gsize size);

static void
analyse_head (MpaState * st)
{
  const guint8 *d = st->head->data;
  gsize size = st->head->len;
  gboolean found;

  st->analysed = TRUE;
  st->kind = guess_kind (d, size);
  st->tag_pos = st->head_start;
  if (st->kind == KIND_MP3) {
    parse_vbr_tags (st, d, size);
    found = find_mp3_sync (st, d, size, st->has_vbr_tag ?
        st->data_offset - st->head_start : 0);
  } else if (st->kind == KIND_ADTS) {
    found = find_adts_sync (st, d, size);
  } else {
    found = FALSE;
  }
  if (!found) {
    st->kind = KIND_UNKNOWN;
    st->done = TRUE;
    return;
  }
  st->next = st->data_offset;
  walk (st, st->head_start, d, size);
}

/* ---- the frame walk ------------------------------------------------------ */

/* The MP3 demuxer reads 1024-byte packets from data_offset; the parser
 * sees every header in the packets read until the 50th frame is out. */
static guint64
mp3_packets_end (MpaState * st)
{
  guint64 end = st->data_offset, i;

  for (i = 0; i < PROBE_FRAMES; i++)
    end += st->frames[i].size;
  return st->data_offset + (end - st->data_offset + MP3_PACKET - 1) /
      MP3_PACKET * MP3_PACKET;
}

/* has the walk seen the frames find_stream_info's parser sees? */
static gboolean
walk_complete (MpaState * st)
{
  if (st->n_frames >= MAX_FRAMES)
    return TRUE;
  if (st->n_frames < PROBE_FRAMES)
    return FALSE;
  if (st->kind == KIND_ADTS)
    return TRUE;
  return st->next + 4 > mp3_packets_end (st);
}

static gboolean
add_frame (MpaState * st, const guint8 * hdr)
{
  Header hd;

  if (!parse_header (st->kind, hdr, &hd) || (st->kind == KIND_MP3 &&
          (hd.layer != st->first.layer ||
              hd.sample_rate != st->first.sample_rate))) {
    st->walk_over = TRUE;       /* junk or the end (an ID3v1 tag) */
    return FALSE;
  }
  st->frames[st->n_frames].size = hd.frame_size;
  st->frames[st->n_frames].bit_rate = hd.bit_rate;
  st->n_frames++;
  st->next += hd.frame_size;
  if (walk_complete (st))
    st->walk_over = TRUE;
  return !st->walk_over;
}

static void
walk (MpaState * st, guint64 offset, const guint8 * data, gsize size)
{
  guint need = header_len (st->kind);

  while (!st->walk_over && st->next < offset + size) {
    gsize pos = st->next >= offset ? st->next - offset : 0;
    guint n;

    if (st->carry_len == 0 && st->next < offset)
      return;                   /* bytes we did not keep */
    n = MIN (need - st->carry_len, size - pos);
    memcpy (st->carry + st->carry_len, data + pos, n);
    st->carry_len += n;
    if (st->carry_len < need)
      return;
    st->carry_len = 0;
    if (!add_frame (st, st->carry))
      return;
  }
}

/* ---- the prober ---------------------------------------------------------- */

static gpointer
mpa_new_state (gboolean random_access)
{
  MpaState *st = g_new0 (MpaState, 1);

  st->random_access = random_access;
  st->head = g_byte_array_new ();
  st->start_skip = -1;
  return st;
}

static void
mpa_free_state (gpointer p)
{
  MpaState *st = p;

  g_byte_array_unref (st->head);
  g_free (st);
}

/* one ID3v2 tag at the head's start: skips it */
static gboolean
skip_id3v2 (MpaState * st)
{
  const guint8 *d = st->head->data;
  guint64 len;

  if (st->head->len < 10 || memcmp (d, "ID3", 3) != 0 || d[3] == 0xff ||
      d[4] == 0xff || ((d[6] | d[7] | d[8] | d[9]) & 0x80))
    return FALSE;
  len = 10 + ((d[6] << 21) | (d[7] << 14) | (d[8] << 7) | d[9]);
  if (d[5] & 0x10)
    len += 10;                  /* a footer */
  st->head_start += len;
  g_byte_array_set_size (st->head, 0);
  return TRUE;
}

static guint64
mpa_feed (gpointer p, guint64 offset, const guint8 * data, gsize size)
{
  MpaState *st = p;

  if (st->analysed) {
    walk (st, offset, data, size);
    if (st->walk_over)
      return KVS_PROBER_DONE;
    return MAX (st->next, offset + size);
  }

  while (size > 0) {
    gsize n;

    if (offset < st->head_start) {      /* inside an ID3v2 tag */
      n = MIN (size, st->head_start - offset);
      offset += n;
      data += n;
      size -= n;
      if (size == 0)
        return st->head_start;
      continue;
    }
    /* the first 10 bytes alone: they may be an ID3v2 tag's header */
    n = MIN (size, (st->head->len < 10 ? 10 : HEAD_SIZE) - st->head->len);
    g_byte_array_append (st->head, data, n);
    offset += n;
    data += n;
    size -= n;
    if (st->head->len == 10 && skip_id3v2 (st))
      continue;
    if (st->head->len == HEAD_SIZE) {
      analyse_head (st);
      if (st->done || st->walk_over)
        return KVS_PROBER_DONE;
      walk (st, offset, data, size);
      return st->walk_over ? KVS_PROBER_DONE : MAX (st->next, offset + size);
    }
  }
  return offset;
}

/* ---- the results ---------------------------------------------------------- */

/* the parsers' running average: avg += (rate - avg) / n, in integers */
static gint64
running_average (const Frame * frames, guint n)
{
  gint64 avg = 0;
  guint i;

  for (i = 0; i < n; i++)
    avg += (frames[i].bit_rate - avg) / (gint64) (i + 1);
  return avg;
}

static guint
frames_parsed (MpaState * st)
{
  guint64 end, pos = st->data_offset;
  guint i;

  if (st->n_frames < PROBE_FRAMES)
    return st->n_frames;
  if (st->kind == KIND_ADTS)
    return PROBE_FRAMES;
  end = mp3_packets_end (st);
  for (i = 0; i < st->n_frames && pos + 4 <= end; i++)
    pos += st->frames[i].size;
  return i;
}

/* av_rescale(): a * b / c, rounded to the nearest */
static gint64
rescale (guint64 a, guint64 b, guint64 c)
{
  return (gint64) gst_util_uint64_scale_round (a, b, c);
}

static const gchar *const aac_layouts[] = {
  "mono", "stereo", "3.0", "4.0", "5.0", "5.1", "7.1(wide)", NULL
};

static void
fill_adts (MpaState * st, KvsMediaStream * s)
{
  guint8 asc[2];

  /* the AudioSpecificConfig the header stands for */
  asc[0] = ((st->first.profile + 1) << 3) | (st->first.rate_index >> 1);
  asc[1] = ((st->first.rate_index & 1) << 7) | (st->first.channel_config << 3);
  s->codec_name = "aac";
  kvs_aac_parse_config (s, asc, sizeof (asc));
  s->channel_layout = kvs_channel_layout_default (s->channels, aac_layouts);
  s->tb_num = 1;
  s->tb_den = AAC_TIME_BASE;
}

static void
fill_mp3 (MpaState * st, KvsMediaStream * s)
{
  static const gchar *const names[] = { NULL, "mp1", "mp2", "mp3" };

  s->codec_name = names[st->first.layer];
  s->sample_fmt = "fltp";
  s->sample_rate = st->first.sample_rate;
  s->channels = st->first.channels;
  s->channel_layout = st->first.channels == 1 ? "mono" : "stereo";
  s->tb_num = 1;
  s->tb_den = MP3_TIME_BASE;
  s->start_pts = 0;
}

/* mp3_parse_info_tag(): a Xing byte count far from the file's size is a
 * concatenated file, whose frame count is not believed */
static void
check_xing_size (MpaState * st, guint64 size)
{
  guint64 fsize, hsize = st->xing_bytes, lo, delta;

  fsize = size > st->tag_pos + 4 ? size - (st->tag_pos + 4) : 0;
  if (fsize == 0 || hsize == 0)
    return;
  lo = MIN (fsize, hsize);
  delta = MAX (fsize, hsize) - lo;
  if (fsize > hsize && delta > lo >> 4)
    st->xing_frames = 0;
}

static void
mp3_timing (MpaState * st, guint64 size, KvsMediaStream * s)
{
  guint64 spf = st->first.spf, rate = st->first.sample_rate;

  if (st->has_vbr_tag) {
    check_xing_size (st, size);
    if (st->start_skip >= 0)
      s->start_pts = rescale (st->start_skip, MP3_TIME_BASE, rate);
    if (st->xing_frames > 0)
      s->duration_ts = rescale (st->xing_frames * spf, MP3_TIME_BASE, rate);
    if (st->xing_frames > 0 && st->xing_bytes > 0 && !st->is_cbr)
      s->bit_rate = rescale (st->xing_bytes, 8 * rate, st->xing_frames * spf);
  }
  if (s->bit_rate == KVS_UNKNOWN)
    s->bit_rate = running_average (st->frames, frames_parsed (st));
}

static gboolean
mpa_finish (gpointer p, guint64 size, KvsMediaInfo * info, GError ** error)
{
  MpaState *st = p;
  KvsMediaStream *s;
  gint64 start_us = 0, dur_us;

  if (!st->analysed && st->head->len > 0)
    analyse_head (st);
  if (st->kind == KIND_UNKNOWN || st->n_frames == 0) {
    g_set_error (error, KVS_PROBER_ERROR, KVS_PROBER_ERROR_NO_INFO,
        "no MPEG audio or ADTS frame");
    return FALSE;
  }

  s = kvs_media_info_add_stream (info, KVS_MEDIA_AUDIO);
  if (st->kind == KIND_ADTS) {
    fill_adts (st, s);
    s->bit_rate = running_average (st->frames, frames_parsed (st));
    info->format_name = "aac";
    info->format_long_name = "raw ADTS AAC (Advanced Audio Coding)";
    info->muxer_name = "adts";
  } else {
    fill_mp3 (st, s);
    mp3_timing (st, size, s);
    info->format_name = "mp3";
    info->format_long_name = "MP2/3 (MPEG audio layer 2/3)";
    info->muxer_name = "mp3";
    start_us = rescale (s->start_pts, G_USEC_PER_SEC, MP3_TIME_BASE);
  }

  /* estimate_timings_from_bit_rate() */
  if (s->duration_ts == KVS_UNKNOWN && s->bit_rate > 0 &&
      size > st->data_offset)
    s->duration_ts = rescale (size - st->data_offset, 8 * (guint64) s->tb_den,
        s->bit_rate);

  info->probe_score = 51;       /* AVPROBE_SCORE_EXTENSION + 1 */
  info->size = size;
  if (s->start_pts != KVS_UNKNOWN)
    info->start_time_us = start_us;
  if (s->duration_ts != KVS_UNKNOWN) {
    dur_us = rescale (s->duration_ts, G_USEC_PER_SEC, s->tb_den);
    info->duration_us = dur_us;
    if (dur_us > 0)
      info->bit_rate = (gint64) ((gdouble) size * 8.0 * G_USEC_PER_SEC /
          (gdouble) dur_us);
  }
  return TRUE;
}

static const gchar *const mpa_media_types[] = {
  "audio/mpeg", "application/x-id3", NULL
};

const KvsProberClass kvs_mpa_prober = {
  "mpa",
  mpa_media_types,
  mpa_new_state,
  mpa_free_state,
  mpa_feed,
  mpa_finish,
};
