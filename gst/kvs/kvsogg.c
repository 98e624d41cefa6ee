/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Ogg with Vorbis, Opus, FLAC and Theora, read the way FFmpeg 5.1 reads it
 * (libavformat/oggdec.c, oggparsevorbis.c, oggparseopus.c, oggparseflac.c,
 * oggparsetheora.c):
 *
 * - one stream per logical stream, in the order of their first pages;
 * - the identification header gives the codec fields; Opus is always in
 *   1/48000, Vorbis and FLAC in 1/sample_rate, Theora in 1/frame rate;
 * - the start is the first page's granule position less the durations of
 *   the packets that end on it (Opus, Theora; 0 for Vorbis and FLAC);
 * - the duration is the last granule position found in the file's last
 *   65307 bytes (ogg_get_length), less the start;
 * - Vorbis streams have their nominal bit rate; the others none.
 *
 * With random access, the head is read up to each stream's first data
 * page, then the tail; in push mode every page header passes and only the
 * last granule position per stream is kept. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvscodecs.h"
#include "kvsprober.h"

#include <string.h>

#define MAX_PAGE_SIZE 65307     /* oggdec.h */
#define MAX_STREAMS 16
#define GRANULE_NONE G_MAXUINT64

typedef enum
{
  CODEC_UNKNOWN,
  CODEC_VORBIS,
  CODEC_OPUS,
  CODEC_FLAC,
  CODEC_THEORA,
} Codec;

typedef struct
{
  guint32 serial;
  Codec codec;
  KvsMediaStream info;          /* what the headers say */
  guint headers;                /* header packets */
  guint packets;                /* packets completed so far */
  gboolean started;             /* the first data page seen */
  gint64 start;
  guint64 last_granule;
  guint64 last_granule_pos;     /* the page's offset */
  /* Theora's granule position split */
  guint gpshift;
  guint32 version;
} OggStream;

typedef enum
{
  PHASE_HEAD,                   /* up to every stream's first data page */
  PHASE_SCAN,                   /* page headers only */
} Phase;

typedef struct
{
  gboolean random_access;
  guint64 size;                 /* the file's, with random access */
  Phase phase;
  guint64 next;                 /* the next page's offset, or where to look */
  gboolean sync;                /* next is a page start */
  guint8 page[27 + 255 + 255 * 255];
  guint page_len;
  guint page_want;              /* bytes of this page to keep */
  guint64 page_pos;
  OggStream streams[MAX_STREAMS];
  guint n_streams;
  gboolean bos_over;            /* a page without BOS came */
  gboolean tail_asked;
  guint64 expect;               /* the offset asked for last */
} OggState;

static gpointer
ogg_new_state (gboolean random_access)
{
  OggState *st = g_new0 (OggState, 1);

  st->random_access = random_access;
  st->sync = TRUE;
  return st;
}

static void
ogg_free_state (gpointer p)
{
  g_free (p);
}

static OggStream *
find_stream (OggState * st, guint32 serial)
{
  guint i;

  for (i = 0; i < st->n_streams; i++)
    if (st->streams[i].serial == serial)
      return &st->streams[i];
  return NULL;
}

/* ---- identification headers --------------------------------------------- */

/* libavcodec/vorbis_data.c: the layouts of 1 to 8 channels (Opus mapping
 * family 1 uses the same) */
static const gchar *const vorbis_layouts[] = {
  "mono", "stereo", "3.0", "quad", "5.0", "5.1", "6.1", "7.1", NULL
};

static gboolean
parse_vorbis (OggStream * os, const guint8 * d, gsize size)
{
  KvsMediaStream *s = &os->info;
  gint32 nominal;

  if (size < 30 || memcmp (d, "\001vorbis", 7) != 0)
    return FALSE;
  s->codec_name = "vorbis";
  s->channels = d[11];
  s->sample_rate = GST_READ_UINT32_LE (d + 12);
  nominal = (gint32) GST_READ_UINT32_LE (d + 20);
  if (nominal > 0)
    s->bit_rate = nominal;
  s->channel_layout = kvs_channel_layout_default (s->channels, vorbis_layouts);
  s->sample_fmt = "fltp";
  s->tb_num = 1;
  s->tb_den = s->sample_rate;
  os->headers = 3;
  return s->sample_rate > 0;
}

static gboolean
parse_opus (OggStream * os, const guint8 * d, gsize size)
{
  KvsMediaStream *s = &os->info;
  guint family;

  if (size < 19 || memcmp (d, "OpusHead", 8) != 0)
    return FALSE;
  s->codec_name = "opus";
  s->channels = d[9];
  family = d[18];
  if (family == 0 && s->channels <= 2)
    s->channel_layout = s->channels == 1 ? "mono" : "stereo";
  else if (family == 1)
    s->channel_layout = kvs_channel_layout_default (s->channels,
        vorbis_layouts);
  s->sample_rate = 48000;
  s->sample_fmt = "fltp";
  s->tb_num = 1;
  s->tb_den = 48000;
  os->headers = 2;
  return TRUE;
}

static gboolean
parse_flac (OggStream * os, const guint8 * d, gsize size)
{
  guint64 total;

  if (size < 51 || memcmp (d, "\177FLAC", 5) != 0 ||
      memcmp (d + 9, "fLaC", 4) != 0)
    return FALSE;
  os->headers = 1 + GST_READ_UINT16_BE (d + 7);
  if (!kvs_flac_parse_streaminfo (&os->info, d + 17, 34, &total))
    return FALSE;
  os->info.tb_num = 1;
  os->info.tb_den = os->info.sample_rate;
  return TRUE;
}

static gboolean
parse_theora (OggStream * os, const guint8 * d, gsize size)
{
  KvsMediaStream *s = &os->info;
  guint32 frn, frd, parn, pard;
  static const gchar *const fmts[] = { "yuv420p", NULL, "yuv422p", "yuv444p" };

  if (size < 42 || memcmp (d, "\200theora", 7) != 0)
    return FALSE;
  os->version = GST_READ_UINT24_BE (d + 7);
  s->codec_name = "theora";
  s->width = s->coded_width = GST_READ_UINT24_BE (d + 14);
  s->height = s->coded_height = GST_READ_UINT24_BE (d + 17);
  frn = GST_READ_UINT32_BE (d + 22);
  frd = GST_READ_UINT32_BE (d + 26);
  parn = GST_READ_UINT24_BE (d + 30);
  pard = GST_READ_UINT24_BE (d + 33);
  os->gpshift = ((d[40] & 3) << 3) | (d[41] >> 5);
  s->pix_fmt = fmts[(d[41] >> 3) & 3];
  if (frn == 0 || frd == 0)
    return FALSE;
  gst_util_fraction_multiply (frn, frd, 1, 1, &s->r_num, &s->r_den);
  s->avg_num = s->r_num;
  s->avg_den = s->r_den;
  s->tb_num = s->r_den;
  s->tb_den = s->r_num;
  if (parn > 0 && pard > 0)
    gst_util_fraction_multiply (parn, pard, 1, 1, &s->sar_num, &s->sar_den);
  s->level = -99;               /* FF_LEVEL_UNKNOWN, printed for theora */
  s->chroma_location = "center";
  s->refs = 1;
  s->has_b_frames = 0;
  os->headers = 3;
  return TRUE;
}

static void
new_stream (OggState * st, guint32 serial, const guint8 * d, gsize size)
{
  OggStream *os;

  if (st->n_streams == MAX_STREAMS)
    return;
  os = &st->streams[st->n_streams];
  memset (os, 0, sizeof (*os));
  os->serial = serial;
  os->last_granule = GRANULE_NONE;
  os->info.start_pts = os->info.duration_ts = KVS_UNKNOWN;
  os->info.bit_rate = os->info.max_bit_rate = KVS_UNKNOWN;
  os->info.nb_frames = os->info.width = os->info.height = KVS_UNKNOWN;
  os->info.coded_width = os->info.coded_height = KVS_UNKNOWN;
  os->info.has_b_frames = os->info.refs = KVS_UNKNOWN;
  os->info.bits_per_raw_sample = os->info.level = KVS_UNKNOWN;
  os->info.sample_rate = os->info.channels = KVS_UNKNOWN;
  os->info.rotation = os->info.id = KVS_UNKNOWN;
  os->info.is_avc = -1;
  if (parse_vorbis (os, d, size))
    os->codec = CODEC_VORBIS;
  else if (parse_opus (os, d, size))
    os->codec = CODEC_OPUS;
  else if (parse_flac (os, d, size))
    os->codec = CODEC_FLAC;
  else if (parse_theora (os, d, size))
    os->codec = CODEC_THEORA;
  else
    return;                     /* a stream FFmpeg would not read either */
  st->n_streams++;
}

/* ---- the first data page: the start ------------------------------------- */

/* oggparseopus.c's opus_duration(): samples in a packet, from its TOC */
static guint
opus_duration (const guint8 * p, gsize size)
{
  guint config, count, frame, n = 1;

  if (size < 1)
    return 0;
  config = p[0] >> 3;
  count = p[0] & 3;
  frame = config < 12 ? MAX (480, 960 * (config & 3)) :
      config < 16 ? 480u << (config & 1) : 120u << (config & 3);
  if (count == 3)
    n = size < 2 ? 0 : p[1] & 0x3f;
  else if (count != 0)
    n = 2;
  return frame * n;
}

/* the packets of the page that end on it, from the first data packet:
 * their durations (Opus) or their number (Theora, plus one) */
static gint64
first_page_duration (OggStream * os, const guint8 * page, guint nsegs,
    guint first_data_packet)
{
  const guint8 *lacing = page + 27, *body = page + 27 + nsegs;
  guint i, packet = os->packets, psize = 0;
  gint64 duration = os->codec == CODEC_THEORA ? 1 : 0;
  gsize pos = 0;

  for (i = 0; i < nsegs; i++) {
    psize += lacing[i];
    if (lacing[i] == 255)
      continue;
    if (packet >= first_data_packet) {
      if (os->codec == CODEC_OPUS)
        duration += opus_duration (body + pos, psize);
      else if (packet > first_data_packet)
        duration++;
    }
    pos += psize;
    psize = 0;
    packet++;
  }
  return duration;
}

/* theora_gptopts() */
static guint64
granule_to_pts (OggStream * os, guint64 gp)
{
  guint64 iframe, pframe;

  if (os->codec != CODEC_THEORA)
    return gp;
  iframe = gp >> os->gpshift;
  pframe = gp & ((G_GUINT64_CONSTANT (1) << os->gpshift) - 1);
  if (os->version < 0x030201)
    iframe++;
  return iframe + pframe;
}

static void
head_page (OggState * st, OggStream * os, const guint8 * page, guint nsegs,
    guint64 granule)
{
  guint i, done = 0;

  for (i = 0; i < nsegs; i++)
    if (page[27 + i] < 255)
      done++;
  if (!os->started && os->packets + done > os->headers &&
      granule != GRANULE_NONE) {
    gint64 start = 0;

    os->started = TRUE;
    if (os->codec == CODEC_OPUS || os->codec == CODEC_THEORA)
      start = (gint64) granule_to_pts (os, granule) -
          first_page_duration (os, page, nsegs, os->headers);
    os->start = MAX (start, 0);
  }
  os->packets += done;
}

static gboolean
head_over (OggState * st)
{
  guint i;

  if (!st->bos_over)
    return FALSE;
  for (i = 0; i < st->n_streams; i++)
    if (!st->streams[i].started)
      return FALSE;
  return TRUE;
}

/* a whole page (header and, in the head, body) */
static void
take_page (OggState * st)
{
  const guint8 *p = st->page;
  guint nsegs = p[26];
  guint64 granule = GST_READ_UINT64_LE (p + 6);
  guint32 serial = GST_READ_UINT32_LE (p + 14);
  OggStream *os;

  if (st->phase == PHASE_HEAD && (p[5] & 0x02) && !st->bos_over &&
      find_stream (st, serial) == NULL)
    new_stream (st, serial, p + 27 + nsegs, st->page_len - 27 - nsegs);
  else if (!(p[5] & 0x02))
    st->bos_over = TRUE;
  os = find_stream (st, serial);
  if (os == NULL)
    return;
  if (st->phase == PHASE_HEAD)
    head_page (st, os, p, nsegs, granule);
  if (granule != GRANULE_NONE && granule != 0) {
    os->last_granule = granule;
    os->last_granule_pos = st->page_pos;
  }
}

/* ---- the page walk ------------------------------------------------------ */

static gsize
body_size (const guint8 * p)
{
  gsize n = 0;
  guint i;

  for (i = 0; i < p[26]; i++)
    n += p[27 + i];
  return n;
}

/* looks for "OggS" from data[*pos]; TRUE when a page starts there */
static gboolean
resync (OggState * st, guint64 offset, const guint8 * data, gsize size,
    gsize * pos)
{
  for (; *pos + 4 <= size; (*pos)++)
    if (memcmp (data + *pos, "OggS", 4) == 0) {
      st->next = offset + *pos;
      st->sync = TRUE;
      return TRUE;
    }
  return FALSE;
}

/* copies up to @want bytes of the page; returns FALSE if more are needed */
static gboolean
fill (OggState * st, guint want, const guint8 * data, gsize size, gsize * pos)
{
  guint n;

  if (st->page_len >= want)
    return TRUE;
  n = MIN (want - st->page_len, size - *pos);
  memcpy (st->page + st->page_len, data + *pos, n);
  st->page_len += n;
  *pos += n;
  return st->page_len >= want;
}

/* the end of what was given: the next bytes, or, once, the tail */
static guint64
chunk_end (OggState * st, guint64 end)
{
  if (st->phase == PHASE_SCAN && st->random_access && !st->tail_asked) {
    /* ogg_get_length(): the last MAX_PAGE_SIZE bytes; if they start
     * behind, the walk goes on where it is */
    st->tail_asked = TRUE;
    st->expect = end;
    return MAX (st->size > MAX_PAGE_SIZE ? st->size - MAX_PAGE_SIZE : 0, end);
  }
  st->expect = MAX (end, st->sync && st->page_len == 0 ? st->next : end);
  return st->expect;
}

/* no page here: look again (a few bytes back, for a capture pattern cut in
 * two) in the next bytes */
static guint64
lost (OggState * st, guint64 offset, gsize size)
{
  st->sync = FALSE;
  st->page_len = 0;
  if (st->random_access && size > 3 && st->tail_asked) {
    st->expect = offset + size - 3;
    return st->expect;
  }
  return chunk_end (st, offset + size);
}

static guint64
ogg_feed (gpointer p, guint64 offset, const guint8 * data, gsize size)
{
  OggState *st = p;
  gsize pos = 0;

  if (offset != st->expect) {   /* a jump: find a page */
    st->sync = FALSE;
    st->page_len = 0;
  }
  if (!st->sync && !resync (st, offset, data, size, &pos))
    return lost (st, offset, size);

  while (TRUE) {
    if (st->page_len == 0) {
      if (st->next > offset + pos) {
        if (st->next >= offset + size)
          return chunk_end (st, offset + size);
        pos = st->next - offset;
      }
      st->page_pos = offset + pos;
    }
    if (!fill (st, 27, data, size, &pos))
      return chunk_end (st, offset + size);
    if (memcmp (st->page, "OggS", 4) != 0 || st->page[4] != 0) {
      st->page_len = 0;
      pos = st->page_pos >= offset ? st->page_pos - offset + 1 : 0;
      if (!resync (st, offset, data, size, &pos))
        return lost (st, offset, size);
      continue;
    }
    if (!fill (st, 27 + st->page[26], data, size, &pos))
      return chunk_end (st, offset + size);
    st->page_want = 27 + st->page[26];
    if (st->phase == PHASE_HEAD)
      st->page_want += body_size (st->page);
    if (!fill (st, st->page_want, data, size, &pos))
      return chunk_end (st, offset + size);
    st->next = st->page_pos + 27 + st->page[26] + body_size (st->page);
    take_page (st);
    st->page_len = 0;
    if (st->phase == PHASE_HEAD && head_over (st))
      st->phase = PHASE_SCAN;
  }
}

/* ---- the results -------------------------------------------------------- */

static gint64
to_us (gint64 ts, const KvsMediaStream * s)
{
  return (gint64) gst_util_uint64_scale_round (ts, (guint64) s->tb_num *
      G_USEC_PER_SEC, s->tb_den);
}

static void
ogg_set_size (gpointer p, guint64 size)
{
  ((OggState *) p)->size = size;
}

static gboolean
ogg_finish (gpointer p, guint64 size, KvsMediaInfo * info, GError ** error)
{
  OggState *st = p;
  guint64 tail = size > MAX_PAGE_SIZE ? size - MAX_PAGE_SIZE : 0;
  gint64 start_us = G_MAXINT64, end_us = G_MININT64;
  guint i;

  if (st->n_streams == 0) {
    g_set_error (error, KVS_PROBER_ERROR, KVS_PROBER_ERROR_NO_INFO,
        "no Ogg stream kvsprobe reads");
    return FALSE;
  }
  /* ogg_read_header() reads up to the first data packet */
  for (i = 0; i < st->n_streams; i++)
    if (st->streams[i].started)
      break;
  if (i == st->n_streams) {
    g_set_error (error, KVS_PROBER_ERROR, KVS_PROBER_ERROR_NO_INFO,
        "the Ogg headers are cut short");
    return FALSE;
  }
  for (i = 0; i < st->n_streams; i++) {
    OggStream *os = &st->streams[i];
    KvsMediaStream *s = kvs_media_info_add_stream (info,
        os->codec == CODEC_THEORA ? KVS_MEDIA_VIDEO : KVS_MEDIA_AUDIO);
    gchar *profile = s->profile;

    *s = os->info;
    s->type = os->codec == CODEC_THEORA ? KVS_MEDIA_VIDEO : KVS_MEDIA_AUDIO;
    s->profile = profile;
    s->start_pts = os->start;
    if (os->last_granule != GRANULE_NONE && os->last_granule_pos >= tail)
      s->duration_ts = (gint64) granule_to_pts (os, os->last_granule) -
          os->start;
    start_us = MIN (start_us, to_us (s->start_pts, s));
    if (s->duration_ts != KVS_UNKNOWN)
      end_us = MAX (end_us, to_us (s->start_pts, s) + to_us (s->duration_ts,
              s));
  }

  info->format_name = "ogg";
  info->format_long_name = "Ogg";
  info->muxer_name = "ogg";
  info->probe_score = 100;
  info->size = size;
  info->start_time_us = start_us;
  if (end_us != G_MININT64) {
    info->duration_us = end_us - start_us;
    if (info->duration_us > 0)
      info->bit_rate = (gint64) ((gdouble) size * 8.0 * G_USEC_PER_SEC /
          (gdouble) info->duration_us);
  }
  return TRUE;
}

static const gchar *const ogg_media_types[] = {
  "application/ogg", "audio/ogg", "video/ogg", NULL
};

const KvsProberClass kvs_ogg_prober = {
  "ogg",
  ogg_media_types,
  ogg_new_state,
  ogg_free_state,
  ogg_feed,
  ogg_finish,
  ogg_set_size,
};
