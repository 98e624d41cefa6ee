/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* MPEG-2 transport streams, reported as FFmpeg 5.1's mpegts demuxer and
 * avformat_find_stream_info report them:
 * - the streams are the first program's, in its map's (PMT) order; the
 *   codec tag is the stream type, or a registration descriptor's fourcc;
 * - the codec fields come from the first sequence parameter set (Annex B)
 *   or the first ADTS / MPEG audio frame header;
 * - the audio bit rate is the parsers' running average over the frames
 *   find_stream_info reads (the first 5 seconds);
 * - start_pts is a stream's first PTS and the durations are those of
 *   estimate_timings_from_pts: the latest PTS among the packets that start
 *   in the file's last 250000 bytes (more if a stream has none there), plus
 *   one frame, less the start.
 * In pull mode only the start and the last megabyte are read. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvsts.h"
#include "kvscodecs.h"
#include "kvsprober.h"

#include <gst/gst.h>

#include <string.h>

#define TS_PACKET 188
#define TS_SYNC 0x47
#define TB 90000
/* estimate_timings_from_pts: DURATION_MAX_READ_SIZE, tried x1, x2, x4 */
#define TAIL_WINDOW 250000
#define TAIL_RETRIES 2
#define TAIL_READ ((guint64) TAIL_WINDOW << TAIL_RETRIES)
/* find_stream_info: max_analyze_duration and probesize */
#define ANALYZE_TICKS (5 * TB)
#define ANALYZE_BYTES 5000000
#define PROBE_KEEP 32768
#define ES_KEEP (1024 * 1024)
#define MAX_RATE_PTS 128
#define MAX_TAIL 4096

typedef enum
{
  ES_OTHER,
  ES_H264,
  ES_HEVC,
  ES_AAC,
  ES_MPA,
} EsKind;

typedef struct
{
  guint64 offset;               /* where the packet's first TS packet is */
  gint64 pts;
} TailEntry;

typedef struct
{
  guint pid;
  guint stream_type;
  EsKind kind;
  KvsMediaStream *s;            /* in the state's scratch info */
  gboolean have_header;
  gboolean in_pes;              /* a packet of this stream has begun */

  GByteArray *es;               /* video: the bytes until the SPS */

  gint64 first_pts;
  gint64 first_dts;
  gint64 n_pes;
  gint64 rate_pts[MAX_RATE_PTS];
  guint n_rate_pts;

  /* audio frames, walked across the packets' payloads */
  guint8 hdr[7];
  guint hdr_len;
  guint skip;
  guint frames;
  gint64 avg_bit_rate;
  guint avg_count;
  guint frame_samples;

  GArray *tail;                 /* TailEntry, latest PTS from each offset on */
  gint64 last_pts;
} Es;

typedef struct
{
  gboolean random_access;
  guint64 size;                 /* 0: unknown */
  guint8 carry[TS_PACKET];
  guint carry_len;
  guint8 *probe;
  guint probe_len;
  gint pmt_pid;
  gboolean pmt_seen;
  GPtrArray *es;
  KvsMediaInfo *scratch;
  gboolean analysed;
  gboolean jumped;
} TsState;

/* ---- the probe score (mpegts_probe) -------------------------------------- */

static gint
analyze (const guint8 * buf, gint size, gint packet_size)
{
  gint stat[204] = { 0 };
  gint stat_all = 0, best = 0, i;

  for (i = 0; i < size - 3; i++) {
    if (buf[i] == TS_SYNC) {
      guint pid = GST_READ_UINT16_BE (buf + i + 1) & 0x1fff;

      if (pid == 0x1fff || (buf[i + 3] & 0x30)) {
        gint x = i % packet_size;

        stat[x]++;
        stat_all++;
        best = MAX (best, stat[x]);
      }
    }
  }
  return best - MAX (stat_all - 10 * best, 0) / 10;
}

static gint
probe_once (const guint8 * buf, gint size)
{
  static const gint sizes[] = { 188, 192, 204 };
  gint check_count = size / 204, sum = 0, max = 0, i, k;

  if (check_count == 0)
    return 0;
  for (i = 0; i < check_count; i += 100) {
    gint left = MIN (check_count - i, 100), score = 0;

    for (k = 0; k < 3; k++)
      score = MAX (score, analyze (buf + sizes[k] * i, sizes[k] * left,
              sizes[k]));
    sum += score;
    max = MAX (max, score);
  }
  sum = sum * 10 / check_count;
  max = max * 10 / 100;
  if (check_count > 10 && sum > 6)
    return 100 + sum - 10;
  if (check_count >= 10 && (sum > 6 || max > 6))
    return 50 + sum - 10;
  return sum > 6 ? 2 : 0;
}

/**
 * kvs_ts_probe_score:
 * @data: the stream's first bytes
 * @size: how many
 *
 * Returns: the score av_probe_input_buffer settles on: the first probe of
 *     2048, 4096, ... bytes scoring above AVPROBE_SCORE_RETRY (25)
 */
gint
kvs_ts_probe_score (const guint8 * data, gsize size)
{
  guint8 *buf;
  gsize n;
  gint score = 0;

  /* the buffers the probe reads beyond its size (dvhs and fec packets) */
  buf = g_malloc0 (MAX (size, 2048) * 2);
  memcpy (buf, data, size);
  for (n = 2048; n <= MAX (size, 2048); n *= 2) {
    score = probe_once (buf, (gint) MIN (n, MAX (size, 2048)));
    if (score > 25)
      break;
  }
  g_free (buf);
  return score;
}

/* ---- streams ------------------------------------------------------------- */

static void
es_free (gpointer p)
{
  Es *es = p;

  if (es->es)
    g_byte_array_unref (es->es);
  g_array_unref (es->tail);
  g_free (es);
}

static Es *
find_es (TsState * st, guint pid)
{
  guint i;

  for (i = 0; i < st->es->len; i++) {
    Es *es = g_ptr_array_index (st->es, i);

    if (es->pid == pid)
      return es;
  }
  return NULL;
}

static void
add_es (TsState * st, guint stream_type, guint pid, guint32 reg_tag)
{
  KvsMediaType type = KVS_MEDIA_DATA;
  Es *es = g_new0 (Es, 1);

  es->pid = pid;
  es->stream_type = stream_type;
  es->first_pts = es->last_pts = KVS_UNKNOWN;
  es->tail = g_array_new (FALSE, FALSE, sizeof (TailEntry));
  switch (stream_type) {
    case 0x1b:
      es->kind = ES_H264;
      type = KVS_MEDIA_VIDEO;
      break;
    case 0x24:
      es->kind = ES_HEVC;
      type = KVS_MEDIA_VIDEO;
      break;
    case 0x0f:
      es->kind = ES_AAC;
      type = KVS_MEDIA_AUDIO;
      break;
    case 0x03:
    case 0x04:
      es->kind = ES_MPA;
      type = KVS_MEDIA_AUDIO;
      break;
    case 0x01:
    case 0x02:
    case 0x10:
      type = KVS_MEDIA_VIDEO;
      break;
    default:
      break;
  }
  es->have_header = es->kind == ES_OTHER;
  es->s = kvs_media_info_add_stream (st->scratch, type);
  es->s->codec_name = es->kind == ES_H264 ? "h264" : es->kind == ES_HEVC ?
      "hevc" : es->kind == ES_AAC ? "aac" : es->kind == ES_MPA ? "mp3" : NULL;
  es->s->codec_tag = reg_tag != 0 ? reg_tag : stream_type;
  es->s->id = pid;
  if (es->kind == ES_H264 || es->kind == ES_HEVC)
    es->es = g_byte_array_new ();
  g_ptr_array_add (st->es, es);
}

/* ---- tables -------------------------------------------------------------- */

/* a section's bytes after the pointer field, or NULL */
static const guint8 *
section (const guint8 * payload, gsize size, guint table_id, gsize * len)
{
  guint pointer;
  gsize sl;

  if (size < 1)
    return NULL;
  pointer = payload[0];
  if (1 + pointer + 3 > size)
    return NULL;
  payload += 1 + pointer;
  size -= 1 + pointer;
  if (payload[0] != table_id)
    return NULL;
  sl = ((payload[1] & 0x0f) << 8) | payload[2];
  if (sl < 9 || 3 + sl > size)
    return NULL;                /* sections over several packets: none here */
  *len = 3 + sl - 4;            /* without the CRC */
  return payload;
}

static void
read_pat (TsState * st, const guint8 * payload, gsize size)
{
  const guint8 *sec = section (payload, size, 0x00, &size);
  gsize pos;

  if (sec == NULL)
    return;
  for (pos = 8; pos + 4 <= size; pos += 4) {
    guint program = GST_READ_UINT16_BE (sec + pos);

    if (program != 0) {
      st->pmt_pid = GST_READ_UINT16_BE (sec + pos + 2) & 0x1fff;
      return;
    }
  }
}

static guint32
registration_tag (const guint8 * d, gsize len)
{
  gsize pos = 0;

  while (pos + 2 <= len) {
    guint tag = d[pos], dl = d[pos + 1];

    if (pos + 2 + dl > len)
      break;
    if (tag == 0x05 && dl >= 4)
      return GST_READ_UINT32_LE (d + pos + 2);
    pos += 2 + dl;
  }
  return 0;
}

static void
read_pmt (TsState * st, const guint8 * payload, gsize size)
{
  const guint8 *sec = section (payload, size, 0x02, &size);
  gsize pos, info_len;

  if (sec == NULL || size < 12)
    return;
  info_len = GST_READ_UINT16_BE (sec + 10) & 0x0fff;
  for (pos = 12 + info_len; pos + 5 <= size;) {
    guint type = sec[pos];
    guint pid = GST_READ_UINT16_BE (sec + pos + 1) & 0x1fff;
    gsize es_len = GST_READ_UINT16_BE (sec + pos + 3) & 0x0fff;

    if (pos + 5 + es_len > size)
      break;
    if (find_es (st, pid) == NULL)
      add_es (st, type, pid, registration_tag (sec + pos + 5, es_len));
    pos += 5 + es_len;
  }
  st->pmt_seen = TRUE;
}

/* ---- elementary streams -------------------------------------------------- */

/* Finds a complete parameter set NAL (H.264 SPS, HEVC SPS) in Annex B. */
static void
find_sps (Es * es)
{
  const guint8 *d = es->es->data;
  gsize n = es->es->len, i, start = 0;
  gboolean in_sps = FALSE;

  for (i = 0; i + 3 <= n; i++) {
    guint type;

    if (d[i] != 0 || d[i + 1] != 0 || d[i + 2] != 1)
      continue;
    if (in_sps) {
      gsize end = i;

      while (end > start && d[end - 1] == 0)
        end--;
      if (es->kind == ES_H264)
        es->have_header = kvs_h264_parse_sps (es->s, d + start, end - start);
      else
        es->have_header = kvs_h265_parse_sps (es->s, d + start, end - start);
      break;
    }
    if (i + 3 >= n)
      break;
    type = es->kind == ES_H264 ? d[i + 3] & 0x1f : (d[i + 3] >> 1) & 0x3f;
    if ((es->kind == ES_H264 && type == 7) ||
        (es->kind == ES_HEVC && type == 33)) {
      in_sps = TRUE;
      start = i + 3;
    }
  }
  if (es->have_header || es->es->len > ES_KEEP) {
    g_byte_array_unref (es->es);
    es->es = NULL;
  }
}

static void
count_bit_rate (Es * es, gint64 bit_rate)
{
  es->avg_count++;
  es->avg_bit_rate += (bit_rate - es->avg_bit_rate) / es->avg_count;
}

/* One audio frame header: the stream's fields from the first, the bit rate
 * averaged as the aac and mpegaudio parsers do. Returns the frame's size,
 * 0 if @hdr is none. */
static guint
audio_frame (Es * es, const guint8 * hdr, gboolean analysing)
{
  if (es->kind == ES_AAC) {
    KvsAdtsHeader h;

    if (!kvs_adts_read_header (hdr, 7, &h))
      return 0;
    if (!es->have_header)
      es->have_header = kvs_aac_parse_adts (es->s, hdr, 7);
    es->frame_samples = 1024;
    es->frames++;
    if (analysing)
      count_bit_rate (es, h.bit_rate);
    return h.frame_bytes;
  } else {
    KvsMpaHeader h;

    if (!kvs_mpa_read_header (GST_READ_UINT32_BE (hdr), &h))
      return 0;
    if (!es->have_header) {
      kvs_mpa_fill (es->s, &h);
      es->have_header = TRUE;
      es->frame_samples = h.samples;
    }
    es->frames++;
    /* the parser skips the first frame when it is not of the codec the
     * stream type named (mp3) */
    if (analysing && (es->frames > 1 || h.layer == 3))
      count_bit_rate (es, h.bit_rate);
    return MAX (h.frame_bytes, 4);
  }
}

/* find_stream_info stops once a stream's frames last 5 seconds (not
 * counting the first) */
static gboolean
audio_analysed (Es * es)
{
  KvsMediaStream *s = es->s;

  return es->frames > 1 && s->sample_rate > 0 &&
      (gint64) (es->frames - 1) * es->frame_samples * TB / s->sample_rate >=
      ANALYZE_TICKS;
}

static void
walk_audio (TsState * st, Es * es, const guint8 * d, gsize n)
{
  gboolean analysing = !st->analysed;

  guint need = es->kind == ES_AAC ? 7 : 4;

  while (n > 0) {
    guint size;

    if (es->skip > 0) {
      gsize k = MIN (es->skip, n);

      es->skip -= k;
      d += k;
      n -= k;
      continue;
    }
    es->hdr[es->hdr_len++] = *d++;
    n--;
    if (es->hdr_len < need)
      continue;
    size = audio_frame (es, es->hdr, analysing);
    if (size == 0) {            /* resync a byte on */
      memmove (es->hdr, es->hdr + 1, need - 1);
      es->hdr_len = need - 1;
      continue;
    }
    es->skip = size - need;
    es->hdr_len = 0;
    if (analysing && audio_analysed (es)) {
      st->analysed = TRUE;
      analysing = FALSE;
    }
  }
}

static void
es_payload (TsState * st, Es * es, const guint8 * d, gsize n)
{
  if (!es->in_pes)
    return;
  if (es->es != NULL && !es->have_header) {
    g_byte_array_append (es->es, d, n);
    find_sps (es);
  }
  if ((es->kind == ES_AAC || es->kind == ES_MPA) && !st->jumped)
    walk_audio (st, es, d, n);
}

static void
add_tail (TsState * st, Es * es, guint64 offset, gint64 pts)
{
  TailEntry e = { offset, pts };
  GArray *t = es->tail;

  es->last_pts = pts;
  /* only the latest PTS from each offset on matters */
  while (t->len > 0 && g_array_index (t, TailEntry, t->len - 1).pts <= pts)
    g_array_set_size (t, t->len - 1);
  g_array_append_val (t, e);
  /* in bounded memory: what the tail windows may still need */
  while (t->len > 0 && (t->len > MAX_TAIL ||
          g_array_index (t, TailEntry, 0).offset + TAIL_READ < offset))
    g_array_remove_index (t, 0);
}

static gint64
read_timestamp (const guint8 * d)
{
  return ((gint64) (d[0] >> 1) & 7) << 30 | (gint64) d[1] << 22 |
      (gint64) (d[2] >> 1) << 15 | (gint64) d[3] << 7 | (d[4] >> 1);
}

static void
pes_start (TsState * st, Es * es, guint64 offset, const guint8 * d, gsize n)
{
  gsize hl;
  gint64 pts = KVS_UNKNOWN;

  es->in_pes = TRUE;
  if (n < 9 || d[0] != 0 || d[1] != 0 || d[2] != 1)
    return;
  hl = 9 + d[8];
  if ((d[7] & 0x80) && n >= 14)
    pts = read_timestamp (d + 9);
  if (pts != KVS_UNKNOWN) {
    gint64 dts = pts;

    if ((d[7] & 0x40) && n >= 19)
      dts = read_timestamp (d + 14);
    if (es->first_pts == KVS_UNKNOWN) {
      es->first_pts = pts;
      es->first_dts = dts;
    }
    add_tail (st, es, offset, pts);
    /* video: the durations of its packets but the first three, by
     * decoding time (measured: H.264 from ffmpeg and mpegtsmux) */
    es->n_pes++;
    if (!st->analysed && es->s->type == KVS_MEDIA_VIDEO && es->n_pes > 4 &&
        (dts - es->first_dts) * (es->n_pes - 4) / (es->n_pes - 1) >=
        ANALYZE_TICKS)
      st->analysed = TRUE;
    if (!st->analysed && es->s->type == KVS_MEDIA_VIDEO &&
        es->n_rate_pts < MAX_RATE_PTS)
      es->rate_pts[es->n_rate_pts++] = pts;
  }
  if (hl < n)
    es_payload (st, es, d + hl, n - hl);
}

static void
read_packet (TsState * st, guint64 offset, const guint8 * p)
{
  gboolean pusi = (p[1] & 0x40) != 0;
  guint pid = GST_READ_UINT16_BE (p + 1) & 0x1fff;
  guint afc = (p[3] >> 4) & 3;
  gsize start = 4;
  Es *es;

  if (afc & 2)
    start += 1 + p[4];
  if (!(afc & 1) || start >= TS_PACKET || (p[1] & 0x80))
    return;
  if (pid == 0 && pusi && st->pmt_pid < 0)
    read_pat (st, p + start, TS_PACKET - start);
  else if ((gint) pid == st->pmt_pid && pusi && !st->pmt_seen)
    read_pmt (st, p + start, TS_PACKET - start);
  else if ((es = find_es (st, pid)) != NULL) {
    if (pusi)
      pes_start (st, es, offset, p + start, TS_PACKET - start);
    else
      es_payload (st, es, p + start, TS_PACKET - start);
  }
}

static gboolean
all_headers (TsState * st)
{
  guint i;

  if (!st->pmt_seen)
    return FALSE;
  for (i = 0; i < st->es->len; i++)
    if (!((Es *) g_ptr_array_index (st->es, i))->have_header)
      return FALSE;
  return TRUE;
}

/* ---- the prober ---------------------------------------------------------- */

static gpointer
ts_new_state (gboolean random_access)
{
  TsState *st = g_new0 (TsState, 1);

  st->random_access = random_access;
  st->pmt_pid = -1;
  st->probe = g_malloc (PROBE_KEEP);
  st->es = g_ptr_array_new_with_free_func (es_free);
  st->scratch = kvs_media_info_new ();
  return st;
}

static void
ts_set_size (gpointer p, guint64 size)
{
  ((TsState *) p)->size = size;
}

static void
ts_free_state (gpointer p)
{
  TsState *st = p;

  g_free (st->probe);
  g_ptr_array_unref (st->es);
  kvs_media_info_free (st->scratch);
  g_free (st);
}

static void
keep_probe (TsState * st, guint64 offset, const guint8 * data, gsize size)
{
  gsize n;

  if (offset != st->probe_len || offset >= PROBE_KEEP)
    return;
  n = MIN (size, PROBE_KEEP - offset);
  memcpy (st->probe + offset, data, n);
  st->probe_len += n;
}

/* In pull mode, once the start is analysed: on to the file's last bytes,
 * at a packet boundary. */
static guint64
next_offset (TsState * st, guint64 offset)
{
  guint64 tail;

  if (!st->random_access || st->jumped || st->size == 0)
    return offset;
  if (!(st->analysed || offset >= ANALYZE_BYTES) || !all_headers (st))
    return offset;
  st->analysed = TRUE;
  if (st->size <= TAIL_READ)
    return offset;
  tail = st->size - TAIL_READ;
  tail -= tail % TS_PACKET;
  if (tail <= offset)
    return offset;
  st->jumped = TRUE;
  st->carry_len = 0;
  return tail;
}

static guint64
ts_feed (gpointer p, guint64 offset, const guint8 * data, gsize size)
{
  TsState *st = p;

  keep_probe (st, offset, data, size);
  if (!st->analysed && offset >= ANALYZE_BYTES && all_headers (st))
    st->analysed = TRUE;

  if (st->carry_len > 0) {
    gsize n = MIN (size, TS_PACKET - st->carry_len);

    memcpy (st->carry + st->carry_len, data, n);
    st->carry_len += n;
    data += n;
    size -= n;
    offset += n;
    if (st->carry_len < TS_PACKET)
      return offset;
    read_packet (st, offset - TS_PACKET, st->carry);
    st->carry_len = 0;
  }
  while (size >= TS_PACKET) {
    if (data[0] != TS_SYNC) {   /* lost: find the next sync byte */
      data++;
      size--;
      offset++;
      continue;
    }
    read_packet (st, offset, data);
    data += TS_PACKET;
    size -= TS_PACKET;
    offset += TS_PACKET;
  }
  if (size > 0 && data[0] == TS_SYNC) {
    memcpy (st->carry, data, size);
    st->carry_len = size;
  }
  offset += size;
  return next_offset (st, offset);
}

/* estimate_timings_from_pts: the latest PTS among the packets that start in
 * the last 250000 bytes, or twice, four times as many */
static gint64
tail_pts (Es * es, guint64 size)
{
  guint r, i;

  for (r = 0; r <= TAIL_RETRIES; r++) {
    guint64 window = (guint64) TAIL_WINDOW << r;
    guint64 from = size > window ? size - window : 0;

    for (i = 0; i < es->tail->len; i++) {
      TailEntry *e = &g_array_index (es->tail, TailEntry, i);

      if (e->offset >= from)
        return e->pts;
    }
  }
  return es->last_pts;
}

/* compute_frame_duration without a parser: one frame at the real frame
 * rate, or the audio decoder's frame size */
static gint64
frame_ticks (Es * es)
{
  KvsMediaStream *s = es->s;

  if (s->type == KVS_MEDIA_VIDEO && s->r_num > 0)
    return (gint64) TB *s->r_den / s->r_num;
  if (s->type == KVS_MEDIA_AUDIO && es->frame_samples > 0 && s->sample_rate > 0)
    return (gint64) es->frame_samples * TB / s->sample_rate;
  return 0;
}

static void
finish_es (Es * es, guint64 size)
{
  KvsMediaStream *s = es->s;
  gint64 end;

  s->tb_num = 1;
  s->tb_den = TB;
  s->id = KVS_UNKNOWN;          /* ffprobe shows the PID; the model does not */
  if (es->kind == ES_H264)
    s->is_avc = 0;
  if (s->type == KVS_MEDIA_VIDEO) {
    kvs_media_frame_rate_from_pts (es->rate_pts, es->n_rate_pts, 1, TB,
        &s->avg_num, &s->avg_den);
    s->r_num = s->avg_num;
    s->r_den = s->avg_den;
  }
  if (es->avg_count > 0)
    s->bit_rate = es->avg_bit_rate;
  if (es->first_pts == KVS_UNKNOWN)
    return;
  s->start_pts = es->first_pts;
  end = tail_pts (es, size);
  if (end != KVS_UNKNOWN && end + frame_ticks (es) - es->first_pts > 0)
    s->duration_ts = end + frame_ticks (es) - es->first_pts;
}

static void
finish_format (TsState * st, guint64 size, KvsMediaInfo * info)
{
  gint64 start = G_MAXINT64, end = G_MININT64;
  guint i;

  for (i = 0; i < st->es->len; i++) {
    KvsMediaStream *s = ((Es *) g_ptr_array_index (st->es, i))->s;
    gint64 s_start;

    if (s->start_pts == KVS_UNKNOWN)
      continue;
    s_start = gst_util_uint64_scale_round (s->start_pts, G_USEC_PER_SEC, TB);
    start = MIN (start, s_start);
    if (s->duration_ts != KVS_UNKNOWN)
      end = MAX (end, s_start + (gint64) gst_util_uint64_scale_round
          (s->duration_ts, G_USEC_PER_SEC, TB));
  }
  info->format_name = "mpegts";
  info->format_long_name = "MPEG-TS (MPEG-2 Transport Stream)";
  info->muxer_name = "mpegts";
  info->probe_score = kvs_ts_probe_score (st->probe, st->probe_len);
  info->size = size;
  if (start == G_MAXINT64)
    return;
  info->start_time_us = start;
  if (end > start) {
    info->duration_us = end - start;
    info->bit_rate = (gint64) ((gdouble) size * 8.0 * G_USEC_PER_SEC /
        (gdouble) info->duration_us);
  }
}

static gboolean
ts_finish (gpointer p, guint64 size, KvsMediaInfo * info, GError ** error)
{
  TsState *st = p;
  guint i;

  if (!all_headers (st)) {
    g_set_error (error, KVS_PROBER_ERROR, KVS_PROBER_ERROR_NO_INFO,
        st->pmt_seen ? "a stream's codec headers are missing" :
        "there is no program map table (PMT)");
    return FALSE;
  }
  for (i = 0; i < st->es->len; i++)
    finish_es (g_ptr_array_index (st->es, i), size);
  finish_format (st, size, info);

  /* hand the streams over */
  for (i = 0; i < st->es->len; i++) {
    Es *es = g_ptr_array_index (st->es, i);
    KvsMediaStream *s = kvs_media_info_add_stream (info, es->s->type);

    *s = *es->s;
    es->s->profile = NULL;
  }
  return TRUE;
}

static const gchar *const ts_media_types[] = { "video/mpegts", NULL };

const KvsProberClass kvs_ts_prober = {
  "mpegts",
  ts_media_types,
  ts_new_state,
  ts_free_state,
  ts_feed,
  ts_finish,
  ts_set_size,
};
