/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Flash Video, reported as FFmpeg 5.1's flv demuxer and
 * avformat_find_stream_info report it:
 * - a stream is made by the first audio or video tag of its kind, in file
 *   order; it takes the onMetaData bit rate (videodatarate, audiodatarate:
 *   kbit/s x 1024) read before it, and the video stream the framerate;
 * - the codec fields come from the AVC sequence header (avcC), the AAC
 *   sequence header (AudioSpecificConfig) or the first MP3 frame's header;
 * - the time base is 1/1000, start_pts the first frame's time (dts plus
 *   composition offset); the streams have no duration;
 * - the file's duration is onMetaData's, else the last tag's timestamp
 *   (walking back from the last PreviousTagSize);
 * - the frame rates not in the metadata are guessed from the timestamps.
 * In pull mode only the first tags are read (and the last 256 KiB when the
 * metadata has no duration). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvsflv.h"
#include "kvscodecs.h"
#include "kvsprober.h"

#include <gst/gst.h>

#include <string.h>

#define TAG_AUDIO 8
#define TAG_VIDEO 9
#define TAG_SCRIPT 18
#define HEADER_HASVIDEO 0x01
#define HEADER_HASAUDIO 0x04
#define BODY_KEEP (1024 * 1024)
#define TAIL_KEEP (256 * 1024)
#define RATE_FRAMES 40          /* find_stream_info: 20, twice for 1/1000 */
#define ANALYZE_MS 5000
#define MAX_AMF_DEPTH 16

typedef struct
{
  KvsMediaStream *s;
  gint64 first_pts;
  gint64 rate_pts[RATE_FRAMES];
  guint n_rate_pts;
  gboolean have_header;
  gint64 avg_bit_rate;          /* the mpegaudio parser's running average */
  guint avg_count;
  gboolean meta_bit_rate;
} FlvStream;

typedef struct
{
  gboolean random_access;
  guint64 size;
  guint8 header[13];
  guint header_len;
  guint64 data_offset;
  guint flags;

  guint8 tag[11];
  guint tag_len;
  guint64 tag_start;
  GByteArray *body;             /* the body of a tag being kept */
  guint64 body_end;
  guint64 skip_to;

  gdouble duration;             /* metadata; < 0: none */
  gdouble video_rate, audio_rate, framerate;
  FlvStream video, audio, text, data;
  KvsMediaInfo *scratch;
  GPtrArray *order;             /* FlvStream, in the file's order */
  gint64 last_ts;               /* the last tag's with a timestamp */
  gboolean analysed;
  GByteArray *tail;             /* pull mode: the file's last bytes */
  guint64 tail_start;
} FlvState;

/* ---- AMF0 (onMetaData) --------------------------------------------------- */

typedef struct
{
  const guint8 *d;
  gsize size, pos;
} Amf;

static gboolean
amf_skip (Amf * a, gsize n)
{
  if (a->pos + n > a->size)
    return FALSE;
  a->pos += n;
  return TRUE;
}

static gboolean amf_value (FlvState * st, Amf * a, const gchar * key,
    guint depth);

/* key/value pairs up to the end marker (00 00 09) */
static gboolean
amf_pairs (FlvState * st, Amf * a, guint depth)
{
  while (a->pos + 3 <= a->size) {
    guint len = GST_READ_UINT16_BE (a->d + a->pos);
    gchar key[64];

    if (len == 0 && a->d[a->pos + 2] == 0x09) {
      a->pos += 3;
      return TRUE;
    }
    a->pos += 2;
    if (a->pos + len > a->size)
      return FALSE;
    g_strlcpy (key, (const gchar *) a->d + a->pos, MIN (len + 1, sizeof (key)));
    a->pos += len;
    if (!amf_value (st, a, key, depth + 1))
      return FALSE;
  }
  return FALSE;
}

static void
meta_number (FlvState * st, const gchar * key, gdouble v)
{
  if (strcmp (key, "duration") == 0)
    st->duration = v;
  else if (strcmp (key, "videodatarate") == 0 && (gint) (v * 1024.0) >= 0)
    st->video_rate = v;
  else if (strcmp (key, "audiodatarate") == 0 && (gint) (v * 1024.0) >= 0)
    st->audio_rate = v;
  else if (strcmp (key, "framerate") == 0) {
    st->framerate = v;
    if (st->video.s != NULL)
      kvs_media_approximate (v, 1000, &st->video.s->avg_num,
          &st->video.s->avg_den);
  }
}

static gboolean
amf_value (FlvState * st, Amf * a, const gchar * key, guint depth)
{
  guint type, i, n;

  if (depth > MAX_AMF_DEPTH || a->pos >= a->size)
    return FALSE;
  type = a->d[a->pos++];
  switch (type) {
    case 0x00:                 /* number */
    case 0x01:                 /* boolean */
      n = type == 0x00 ? 8 : 1;
      if (a->pos + n > a->size)
        return FALSE;
      if (depth == 1 && key != NULL)
        meta_number (st, key, type == 0x00 ?
            GST_READ_DOUBLE_BE (a->d + a->pos) : a->d[a->pos]);
      return amf_skip (a, n);
    case 0x02:                 /* string */
      return a->pos + 2 <= a->size &&
          amf_skip (a, 2 + GST_READ_UINT16_BE (a->d + a->pos));
    case 0x0c:                 /* long string */
      return a->pos + 4 <= a->size &&
          amf_skip (a, 4 + GST_READ_UINT32_BE (a->d + a->pos));
    case 0x03:                 /* object */
      return amf_pairs (st, a, depth);
    case 0x08:                 /* ECMA array */
      return amf_skip (a, 4) && amf_pairs (st, a, depth);
    case 0x0a:                 /* strict array */
      if (a->pos + 4 > a->size)
        return FALSE;
      n = GST_READ_UINT32_BE (a->d + a->pos);
      a->pos += 4;
      for (i = 0; i < n; i++)
        if (!amf_value (st, a, NULL, depth + 1))
          return FALSE;
      return TRUE;
    case 0x05:                 /* null */
    case 0x06:                 /* undefined */
      return TRUE;
    case 0x07:                 /* reference */
      return amf_skip (a, 2);
    case 0x0b:                 /* date */
      return amf_skip (a, 10);
    default:
      return FALSE;
  }
}

typedef enum
{
  SCRIPT_METADATA,              /* onMetaData, onCuePoint, |RtmpSampleAccess */
  SCRIPT_TEXT,                  /* onTextData, onCaption, onCaptionInfo */
  SCRIPT_UNKNOWN,
  SCRIPT_DAMAGED,
} ScriptKind;

static ScriptKind
read_script (FlvState * st, const guint8 * d, gsize size)
{
  static const gchar *const meta[] = { "onMetaData", "onCuePoint",
    "|RtmpSampleAccess"
  };
  static const gchar *const text[] = { "onTextData", "onCaption",
    "onCaptionInfo"
  };
  Amf a = { d, size, 0 };
  gchar name[64];
  guint len, i;

  if (size < 3 || d[0] != 0x02)
    return SCRIPT_UNKNOWN;
  len = GST_READ_UINT16_BE (d + 1);
  if (3 + len > size)
    return SCRIPT_UNKNOWN;
  g_strlcpy (name, (const gchar *) d + 3, MIN (len + 1, sizeof (name)));
  for (i = 0; i < G_N_ELEMENTS (text); i++)
    if (strcmp (name, text[i]) == 0)
      return SCRIPT_TEXT;
  for (i = 0; i < G_N_ELEMENTS (meta); i++)
    if (strcmp (name, meta[i]) == 0)
      break;
  if (i == G_N_ELEMENTS (meta))
    return SCRIPT_UNKNOWN;
  a.pos = 3 + len;
  return amf_value (st, &a, NULL, 0) ? SCRIPT_METADATA : SCRIPT_DAMAGED;
}

/* ---- audio and video tags ------------------------------------------------ */

static FlvStream *
get_stream (FlvState * st, KvsMediaType type)
{
  FlvStream *fs = type == KVS_MEDIA_VIDEO ? &st->video :
      type == KVS_MEDIA_AUDIO ? &st->audio :
      type == KVS_MEDIA_SUBTITLE ? &st->text : &st->data;

  if (fs->s != NULL)
    return fs;
  fs->s = kvs_media_info_add_stream (st->scratch, type);
  fs->s->codec_tag = 0;
  fs->s->tb_num = 1;
  fs->s->tb_den = 1000;
  fs->first_pts = KVS_UNKNOWN;
  if (type == KVS_MEDIA_VIDEO) {
    if (st->video_rate > 0)
      fs->s->bit_rate = (gint64) (st->video_rate * 1024.0);
    if (st->framerate > 0)
      kvs_media_approximate (st->framerate, 1000, &fs->s->avg_num,
          &fs->s->avg_den);
  } else if (type == KVS_MEDIA_AUDIO && st->audio_rate > 0) {
    fs->s->bit_rate = (gint64) (st->audio_rate * 1024.0);
  } else if (type == KVS_MEDIA_SUBTITLE) {
    fs->s->codec_name = "text";
  }
  fs->have_header = type != KVS_MEDIA_VIDEO && type != KVS_MEDIA_AUDIO;
  fs->meta_bit_rate = fs->s->bit_rate != KVS_UNKNOWN;
  g_ptr_array_add (st->order, fs);
  return fs;
}

static void
frame_time (FlvState * st, FlvStream * fs, gint64 pts)
{
  if (fs->first_pts == KVS_UNKNOWN)
    fs->first_pts = pts;
  if (fs == &st->video && fs->n_rate_pts < RATE_FRAMES)
    fs->rate_pts[fs->n_rate_pts++] = pts;
}

static void
read_video (FlvState * st, gint64 dts, const guint8 * d, gsize size)
{
  FlvStream *fs;
  guint codec = d[0] & 0x0f;

  if ((d[0] >> 4) == 5 || size < 2)
    return;                     /* a command frame, or empty */
  fs = get_stream (st, KVS_MEDIA_VIDEO);
  if (codec != 7) {
    fs->have_header = TRUE;
    frame_time (st, fs, dts);
    return;
  }
  fs->s->codec_name = "h264";
  if (size < 5)
    return;
  if (d[1] == 0) {              /* the sequence header, not a frame */
    if (!fs->have_header)
      fs->have_header = kvs_h264_parse_avcc (fs->s, d + 5, size - 5);
  } else if (d[1] == 1) {
    gint32 cts = (gint32) (GST_READ_UINT24_BE (d + 2) << 8) >> 8;

    frame_time (st, fs, dts + cts);
  }
}

static void
read_mp3 (FlvState * st, FlvStream * fs, const guint8 * d, gsize size)
{
  KvsMpaHeader h;
  gsize pos = 0;

  while (pos + 4 <= size) {
    if (!kvs_mpa_read_header (GST_READ_UINT32_BE (d + pos), &h)) {
      pos++;
      continue;
    }
    if (!fs->have_header) {
      kvs_mpa_fill (fs->s, &h);
      fs->have_header = TRUE;
    }
    if (!st->analysed) {
      fs->avg_count++;
      fs->avg_bit_rate += (h.bit_rate - fs->avg_bit_rate) / fs->avg_count;
    }
    pos += h.frame_bytes;
  }
}

static void
read_audio (FlvState * st, gint64 dts, const guint8 * d, gsize size)
{
  FlvStream *fs;
  guint codec = d[0] >> 4;

  if (size < 2)
    return;
  fs = get_stream (st, KVS_MEDIA_AUDIO);
  switch (codec) {
    case 10:                   /* AAC */
      fs->s->codec_name = "aac";
      if (d[1] == 0) {
        if (!fs->have_header)
          fs->have_header = kvs_aac_parse_config (fs->s, d + 2, size - 2);
        return;
      }
      frame_time (st, fs, dts);
      break;
    case 2:                    /* MP3 */
    case 14:
      read_mp3 (st, fs, d + 1, size - 1);
      frame_time (st, fs, dts);
      break;
    default:
      fs->have_header = TRUE;
      frame_time (st, fs, dts);
      break;
  }
}

/* flv_read_packet: a metadata tag past the start, or a text one, is a
 * packet of a text subtitle stream; an unknown one of a data stream */
static void
read_script_tag (FlvState * st, gint64 dts, const guint8 * d, gsize size)
{
  ScriptKind kind = size > 13 + 1 + 4 ? read_script (st, d, size) : SCRIPT_TEXT;

  if (kind == SCRIPT_DAMAGED || (kind == SCRIPT_METADATA && dts == 0))
    return;
  frame_time (st, get_stream (st, kind == SCRIPT_UNKNOWN ? KVS_MEDIA_DATA :
          KVS_MEDIA_SUBTITLE), dts);
}

static void
read_tag (FlvState * st, const guint8 * tag, const guint8 * body, gsize size)
{
  guint type = tag[0] & 0x1f;
  gint64 dts = GST_READ_UINT24_BE (tag + 4) | ((guint32) tag[7] << 24);

  if (type == TAG_SCRIPT)
    read_script_tag (st, dts, body, size);
  else if (type == TAG_VIDEO)
    read_video (st, dts, body, size);
  else if (type == TAG_AUDIO)
    read_audio (st, dts, body, size);
}

/* the streams the header names are there with their codec headers, and
 * enough frames passed for the frame rate */
static gboolean
analysis_done (FlvState * st, gint64 dts)
{
  gboolean want_v = (st->flags & HEADER_HASVIDEO) != 0;
  gboolean want_a = (st->flags & HEADER_HASAUDIO) != 0;

  if (dts >= ANALYZE_MS)
    return TRUE;
  if ((want_v && !st->video.have_header) || (want_a && !st->audio.have_header))
    return FALSE;
  return st->video.s == NULL || st->video.n_rate_pts >= RATE_FRAMES;
}

/* ---- the prober ---------------------------------------------------------- */

static gpointer
flv_new_state (gboolean random_access)
{
  FlvState *st = g_new0 (FlvState, 1);

  st->random_access = random_access;
  st->duration = -1;
  st->scratch = kvs_media_info_new ();
  st->order = g_ptr_array_new ();
  st->last_ts = -1;
  return st;
}

static void
flv_set_size (gpointer p, guint64 size)
{
  ((FlvState *) p)->size = size;
}

static void
flv_free_state (gpointer p)
{
  FlvState *st = p;

  if (st->body)
    g_byte_array_unref (st->body);
  if (st->tail)
    g_byte_array_unref (st->tail);
  g_ptr_array_unref (st->order);
  kvs_media_info_free (st->scratch);
  g_free (st);
}

/* the header, then PreviousTagSize0 */
static gsize
read_header (FlvState * st, const guint8 * data, gsize size)
{
  gsize n = MIN (size, sizeof (st->header) - st->header_len);

  memcpy (st->header + st->header_len, data, n);
  st->header_len += n;
  if (st->header_len == sizeof (st->header)) {
    st->flags = st->header[4];
    st->data_offset = GST_READ_UINT32_BE (st->header + 5) + 4;
    st->skip_to = st->data_offset;
  }
  return n;
}

/* Where to go once the start is read: the end, when the duration is not in
 * the metadata (pull mode), or nowhere. */
static guint64
after_analysis (FlvState * st, guint64 offset)
{
  if (!st->random_access)
    return offset;
  if (st->duration > 0 || st->size == 0)
    return KVS_PROBER_DONE;
  st->tail_start = st->size > TAIL_KEEP ? st->size - TAIL_KEEP : 0;
  st->tail_start = MAX (st->tail_start, offset);
  st->tail = g_byte_array_new ();
  st->tag_len = 0;
  return st->tail_start;
}

/* A tag's header is complete: keep its body, or skip it. */
static void
tag_header_done (FlvState * st, guint64 offset)
{
  guint type = st->tag[0] & 0x1f;
  guint32 size = GST_READ_UINT24_BE (st->tag + 1);
  guint32 ts = GST_READ_UINT24_BE (st->tag + 4) | ((guint32) st->tag[7] << 24);

  st->tag_len = 0;
  st->skip_to = offset + size + 4;
  if (size > 0 && ts != 0)
    st->last_ts = ts;
  if (!st->analysed && size > 0 && size <= BODY_KEEP &&
      (type == TAG_SCRIPT || type == TAG_VIDEO || type == TAG_AUDIO)) {
    st->body = g_byte_array_sized_new (size);
    st->body_end = offset + size;
  }
}

static guint64
flv_feed (gpointer p, guint64 offset, const guint8 * data, gsize size)
{
  FlvState *st = p;

  if (st->tail != NULL) {
    g_byte_array_append (st->tail, data, size);
    return offset + size;
  }
  while (size > 0) {
    gsize n;

    if (st->header_len < sizeof (st->header)) {
      n = read_header (st, data, size);
    } else if (st->body != NULL) {
      n = MIN (size, st->body_end - offset);
      g_byte_array_append (st->body, data, n);
      if (offset + n == st->body_end) {
        gint64 dts = GST_READ_UINT24_BE (st->tag + 4) |
            ((guint32) st->tag[7] << 24);

        read_tag (st, st->tag, st->body->data, st->body->len);
        g_byte_array_unref (st->body);
        st->body = NULL;
        if (!st->analysed && analysis_done (st, dts)) {
          st->analysed = TRUE;
          if (st->random_access)
            return after_analysis (st, st->skip_to);
        }
      }
    } else if (offset < st->skip_to) {
      if (st->skip_to - offset >= size)
        return st->skip_to;
      n = st->skip_to - offset;
    } else {
      n = MIN (size, sizeof (st->tag) - st->tag_len);
      memcpy (st->tag + st->tag_len, data, n);
      st->tag_len += n;
      if (st->tag_len == sizeof (st->tag))
        tag_header_done (st, offset + n);
    }
    offset += n;
    data += n;
    size -= n;
  }
  return offset;
}

/**
 * kvs_flv_last_timestamp:
 * @tail: a file's last bytes
 * @size: how many
 *
 * Returns: the timestamp of the last tag that has a nonzero one, found
 *     through the PreviousTagSize fields, or -1
 */
gint64
kvs_flv_last_timestamp (const guint8 * tail, gsize size)
{
  gsize end = size;

  while (end >= 4 + 11) {
    guint32 prev = GST_READ_UINT32_BE (tail + end - 4);
    guint32 ts;
    gsize tag;

    if (prev < 11 || prev > end - 4)
      return -1;
    tag = end - 4 - prev;
    if (GST_READ_UINT24_BE (tail + tag + 1) + 11 != prev)
      return -1;
    ts = GST_READ_UINT24_BE (tail + tag + 4) | ((guint32) tail[tag + 7] << 24);
    if (ts != 0)
      return ts;
    end = tag;
  }
  return -1;
}

static void
finish_stream (FlvStream * fs)
{
  KvsMediaStream *s = fs->s;

  if (fs->first_pts != KVS_UNKNOWN)
    s->start_pts = fs->first_pts;
  if (s->type == KVS_MEDIA_VIDEO) {
    gint num, den;

    kvs_media_frame_rate_from_pts (fs->rate_pts, fs->n_rate_pts, 1, 1000,
        &num, &den);
    s->r_num = num;
    s->r_den = den;
    if (s->avg_num == 0) {
      s->avg_num = num;
      s->avg_den = den;
    }
  } else if (!fs->meta_bit_rate && fs->avg_count > 0) {
    s->bit_rate = fs->avg_bit_rate;
  }
}

static gboolean
flv_finish (gpointer p, guint64 size, KvsMediaInfo * info, GError ** error)
{
  FlvState *st = p;
  gint64 last = st->last_ts;
  guint i;

  if (st->header_len < sizeof (st->header) || memcmp (st->header, "FLV", 3)
      || st->order->len == 0) {
    g_set_error (error, KVS_PROBER_ERROR, KVS_PROBER_ERROR_NO_INFO,
        "the FLV file has no audio or video tag");
    return FALSE;
  }
  info->format_name = "flv";
  info->format_long_name = "FLV (Flash Video)";
  info->muxer_name = "flv";
  info->probe_score = 100;
  info->size = size;
  info->start_time_us = 0;
  if (st->tail != NULL && st->tail_start + st->tail->len == size)
    last = kvs_flv_last_timestamp (st->tail->data, st->tail->len);
  if (st->duration > 0)
    info->duration_us = (gint64) (st->duration * G_USEC_PER_SEC);
  else if (last > 0)
    info->duration_us = last * 1000;
  if (info->duration_us > 0 && info->duration_us != KVS_UNKNOWN)
    info->bit_rate = (gint64) ((gdouble) size * 8.0 * G_USEC_PER_SEC /
        (gdouble) info->duration_us);

  for (i = 0; i < st->order->len; i++) {
    FlvStream *fs = g_ptr_array_index (st->order, i);
    KvsMediaStream *s = kvs_media_info_add_stream (info, fs->s->type);

    finish_stream (fs);
    *s = *fs->s;
    fs->s->profile = NULL;
  }
  return TRUE;
}

static const gchar *const flv_media_types[] = { "video/x-flv", NULL };

const KvsProberClass kvs_flv_prober = {
  "flv",
  flv_media_types,
  flv_new_state,
  flv_free_state,
  flv_feed,
  flv_finish,
  flv_set_size,
};
