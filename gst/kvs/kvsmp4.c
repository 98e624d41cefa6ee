/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* ISO BMFF / QuickTime: the movie box read the way FFmpeg 5.1's mov
 * demuxer reads it, into what ffprobe reports. Only the top-level header
 * boxes are needed (the media data is never read), so a file is probed by
 * its index alone. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvsmp4.h"
#include "kvscodecs.h"
#include "kvsprober.h"

#include <gst/gst.h>

#include <math.h>
#include <string.h>

#define FOURCC(a,b,c,d) \
  ((guint32) (a) << 24 | (guint32) (b) << 16 | (guint32) (c) << 8 | (d))

/* a fourcc as FFmpeg keeps a codec tag: the first byte lowest */
#define TAG_LE(fourcc) GUINT32_SWAP_LE_BE (fourcc)

typedef struct
{
  const guint8 *data;
  gsize size;
  gsize pos;
} Reader;

static guint64
rd (Reader * r, guint n)
{
  guint64 v = 0;

  if (r->pos + n > r->size) {
    r->pos = r->size + 1;       /* mark overrun */
    return 0;
  }
  while (n--)
    v = (v << 8) | r->data[r->pos++];
  return v;
}

static gboolean
overrun (Reader * r)
{
  return r->pos > r->size;
}

/* Finds the child box @type in [data, data + size); returns its payload. */
static const guint8 *
find_box (const guint8 * data, gsize size, guint32 type, gsize * out_size)
{
  gsize pos = 0;

  while (pos + 8 <= size) {
    guint64 len = GST_READ_UINT32_BE (data + pos);
    guint32 t = GST_READ_UINT32_BE (data + pos + 4);
    gsize hdr = 8;

    if (len == 1) {
      if (pos + 16 > size)
        return NULL;
      len = GST_READ_UINT64_BE (data + pos + 8);
      hdr = 16;
    } else if (len == 0) {
      len = size - pos;
    }
    if (len < hdr || len > size - pos)
      return NULL;
    if (t == type) {
      *out_size = len - hdr;
      return data + pos + hdr;
    }
    pos += len;
  }
  return NULL;
}

static const guint8 *
find_path (const guint8 * data, gsize size, const guint32 * path, guint n,
    gsize * out_size)
{
  guint i;

  for (i = 0; i < n && data != NULL; i++)
    data = find_box (data, size, path[i], &size);
  *out_size = size;
  return data;
}

/**
 * kvs_mp4_box_is_header:
 * @fourcc: a top-level box type
 *
 * Returns: %TRUE for the top-level boxes the probe reads (the movie box);
 *     the others (media data, free space) are skipped
 */
gboolean
kvs_mp4_box_is_header (guint32 fourcc)
{
  return fourcc == FOURCC ('m', 'o', 'o', 'v');
}

typedef struct
{
  guint32 timescale;
  guint64 duration;
  guint64 samples;              /* stts: frames and their total duration */
  guint64 stts_duration;
  guint32 first_delta;
  gboolean constant_delta;
  guint64 data_size;            /* stsz */
  guint64 sample_count;
  gint64 max_pts_end;           /* latest composition end, media time */
  gint64 edit_media_time;       /* -1: none */
  guint64 edit_duration;        /* movie timescale */
} Track;

static gboolean
read_stts (const guint8 * d, gsize size, Track * t)
{
  Reader r = { d, size, 0 };
  guint32 n, i;

  rd (&r, 4);
  n = rd (&r, 4);
  t->constant_delta = TRUE;
  for (i = 0; i < n && !overrun (&r); i++) {
    guint32 count = rd (&r, 4), delta = rd (&r, 4);

    if (i == 0)
      t->first_delta = delta;
    else if (delta != t->first_delta && count > 0)
      t->constant_delta = FALSE;
    t->samples += count;
    t->stts_duration += (guint64) count *delta;
  }
  return !overrun (&r);
}

/* The latest end of a sample in composition time: decode time plus the
 * composition offset (ctts) plus the sample's duration. */
static void
read_pts_end (const guint8 * stts, gsize stts_size, const guint8 * ctts,
    gsize ctts_size, Track * t)
{
  Reader rs = { stts, stts_size, 0 }, rc = { ctts, ctts_size, 0 };
  guint32 ns, nc, is, ic = 0, c_left = 0;
  gint64 dts = 0, offset = 0, end = 0;
  guint version;

  rd (&rs, 4);
  ns = rd (&rs, 4);
  if (ctts != NULL) {
    version = rd (&rc, 1);
    rd (&rc, 3);
    nc = rd (&rc, 4);
  } else {
    version = 0;
    nc = 0;
  }

  for (is = 0; is < ns && !overrun (&rs); is++) {
    guint32 count = rd (&rs, 4), delta = rd (&rs, 4);

    while (count > 0 && !overrun (&rc)) {
      guint32 n;

      if (c_left == 0 && ic < nc) {
        c_left = rd (&rc, 4);
        offset = version == 1 ? (gint32) rd (&rc, 4) : (gint64) rd (&rc, 4);
        ic++;
      }
      n = c_left > 0 ? MIN (count, c_left) : count;
      /* the last of these n samples ends latest */
      end = MAX (end, dts + (gint64) (n - 1) * delta + offset + delta);
      dts += (gint64) n *delta;
      count -= n;
      if (c_left > 0)
        c_left -= n;
    }
  }
  t->max_pts_end = end;
}

static gboolean
read_stsz (const guint8 * d, gsize size, Track * t)
{
  Reader r = { d, size, 0 };
  guint32 sample_size, n, i;

  rd (&r, 4);
  sample_size = rd (&r, 4);
  n = rd (&r, 4);
  t->sample_count = n;
  if (sample_size != 0) {
    t->data_size = (guint64) sample_size *n;
  } else {
    for (i = 0; i < n && !overrun (&r); i++)
      t->data_size += rd (&r, 4);
  }
  return !overrun (&r);
}

static void
read_elst (const guint8 * d, gsize size, Track * t)
{
  Reader r = { d, size, 0 };
  guint version, n, i;

  version = rd (&r, 1);
  rd (&r, 3);
  n = rd (&r, 4);
  for (i = 0; i < n && !overrun (&r); i++) {
    guint64 dur = rd (&r, version == 1 ? 8 : 4);
    gint64 media_time = version == 1 ? (gint64) rd (&r, 8) :
        (gint64) (gint32) rd (&r, 4);

    rd (&r, 4);                 /* media rate */
    if (media_time == -1)
      continue;                 /* an empty edit: a delay */
    if (t->edit_media_time < 0)
      t->edit_media_time = media_time;
    t->edit_duration += dur;
  }
}

/* esds: ES_Descriptor > DecoderConfigDescriptor > DecoderSpecificInfo */
static guint
desc_len (Reader * r)
{
  guint len = 0, i;

  for (i = 0; i < 4; i++) {
    guint b = rd (r, 1);

    len = (len << 7) | (b & 0x7f);
    if (!(b & 0x80))
      break;
  }
  return len;
}

static void
read_esds (const guint8 * d, gsize size, KvsMediaStream * s)
{
  Reader r = { d, size, 0 };
  guint tag, flags, oti;

  rd (&r, 4);
  if (rd (&r, 1) != 0x03)
    return;
  desc_len (&r);
  rd (&r, 2);
  flags = rd (&r, 1);
  if (flags & 0x80)
    rd (&r, 2);
  if (flags & 0x40)
    rd (&r, rd (&r, 1));
  if (flags & 0x20)
    rd (&r, 2);
  if (rd (&r, 1) != 0x04)
    return;
  desc_len (&r);
  oti = rd (&r, 1);
  rd (&r, 1 + 3 + 4 + 4);
  switch (oti) {
    case 0x40:
    case 0x66:
    case 0x67:
    case 0x68:
      s->codec_name = "aac";
      break;
    case 0x69:
    case 0x6b:
      s->codec_name = "mp3";
      s->sample_fmt = "fltp";
      break;
    case 0x20:
      s->codec_name = "mpeg4";
      break;
    default:
      break;
  }
  tag = rd (&r, 1);
  if (tag == 0x05 && !overrun (&r)) {
    guint len = desc_len (&r);

    if (r.pos + len > r.size)
      return;
    if (g_strcmp0 (s->codec_name, "aac") == 0)
      kvs_aac_parse_config (s, r.data + r.pos, len);
    else if (g_strcmp0 (s->codec_name, "mpeg4") == 0)
      kvs_mpeg4_parse_config (s, r.data + r.pos, len);
  }
}

static const gchar *
channel_layout_for (gint64 channels)
{
  switch (channels) {
    case 1:
      return "mono";
    case 2:
      return "stereo";
    default:
      return NULL;
  }
}

static void
read_sample_entry (const guint8 * d, gsize size, KvsMediaStream * s)
{
  guint32 fourcc;
  gsize entry_size, hdr;
  const guint8 *child;
  gsize child_size;

  /* stsd: version/flags, entry count, then the first entry */
  if (size < 16)
    return;
  entry_size = GST_READ_UINT32_BE (d + 8);
  fourcc = GST_READ_UINT32_BE (d + 12);
  if (entry_size < 16 || entry_size > size - 8)
    return;
  d += 16;                      /* into the entry, after size and type */
  entry_size -= 8;
  s->codec_tag = TAG_LE (fourcc);

  if (s->type == KVS_MEDIA_VIDEO) {
    hdr = 78;
    if (entry_size < hdr)
      return;
    s->width = s->coded_width = GST_READ_UINT16_BE (d + 24);
    s->height = s->coded_height = GST_READ_UINT16_BE (d + 26);
    switch (fourcc) {
      case FOURCC ('a', 'v', 'c', '1'):
      case FOURCC ('a', 'v', 'c', '3'):
        s->codec_name = "h264";
        child = find_box (d + hdr, entry_size - hdr,
            FOURCC ('a', 'v', 'c', 'C'), &child_size);
        if (child != NULL)
          kvs_h264_parse_avcc (s, child, child_size);
        break;
      case FOURCC ('h', 'v', 'c', '1'):
      case FOURCC ('h', 'e', 'v', '1'):
        s->codec_name = "hevc";
        child = find_box (d + hdr, entry_size - hdr,
            FOURCC ('h', 'v', 'c', 'C'), &child_size);
        if (child != NULL)
          kvs_h265_parse_hvcc (s, child, child_size);
        break;
      case FOURCC ('m', 'p', '4', 'v'):
        child = find_box (d + hdr, entry_size - hdr,
            FOURCC ('e', 's', 'd', 's'), &child_size);
        if (child != NULL)
          read_esds (child, child_size, s);
        break;
      default:
        break;
    }
  } else if (s->type == KVS_MEDIA_AUDIO) {
    guint version;

    hdr = 28;
    if (entry_size < hdr)
      return;
    version = GST_READ_UINT16_BE (d + 8);
    s->channels = GST_READ_UINT16_BE (d + 16);
    s->sample_rate = GST_READ_UINT32_BE (d + 24) >> 16;
    s->channel_layout = channel_layout_for (s->channels);
    if (version == 1)
      hdr += 16;
    else if (version == 2)
      hdr += 36;
    if (entry_size < hdr)
      return;
    switch (fourcc) {
      case FOURCC ('m', 'p', '4', 'a'):
        child = find_box (d + hdr, entry_size - hdr,
            FOURCC ('e', 's', 'd', 's'), &child_size);
        if (child == NULL) {
          /* QuickTime: inside the sound description's 'wave' box */
          child = find_box (d + hdr, entry_size - hdr,
              FOURCC ('w', 'a', 'v', 'e'), &child_size);
          if (child != NULL)
            child = find_box (child, child_size,
                FOURCC ('e', 's', 'd', 's'), &child_size);
        }
        if (child != NULL)
          read_esds (child, child_size, s);
        break;
      case FOURCC ('.', 'm', 'p', '3'):
        s->codec_name = "mp3";
        s->sample_fmt = "fltp";
        break;
      default:
        break;
    }
  }
}

/* the display matrix's rotation, clockwise, in degrees from 0 to 359 */
static gint64
matrix_rotation (const guint8 * m)
{
  gdouble a = (gint32) GST_READ_UINT32_BE (m) / 65536.0;
  gdouble b = (gint32) GST_READ_UINT32_BE (m + 4) / 65536.0;
  gint64 deg;

  if (a == 0.0 && b == 0.0)
    return 0;
  deg = (gint64) llround (atan2 (b, a) * 180.0 / G_PI);
  return (deg % 360 + 360) % 360;
}

static gboolean
read_trak (const guint8 * d, gsize size, guint32 movie_timescale,
    KvsMediaInfo * info)
{
  static const guint32 mdhd_path[] = { FOURCC ('m', 'd', 'i', 'a'),
    FOURCC ('m', 'd', 'h', 'd')
  };
  static const guint32 hdlr_path[] = { FOURCC ('m', 'd', 'i', 'a'),
    FOURCC ('h', 'd', 'l', 'r')
  };
  static const guint32 stbl_path[] = { FOURCC ('m', 'd', 'i', 'a'),
    FOURCC ('m', 'i', 'n', 'f'), FOURCC ('s', 't', 'b', 'l')
  };
  static const guint32 elst_path[] = { FOURCC ('e', 'd', 't', 's'),
    FOURCC ('e', 'l', 's', 't')
  };
  const guint8 *tkhd, *mdhd, *hdlr, *stbl, *box;
  gsize tkhd_size, mdhd_size, hdlr_size, stbl_size, box_size;
  KvsMediaStream *s;
  KvsMediaType type;
  Track t = { 0 };
  guint32 handler;
  Reader r;
  guint version;

  tkhd = find_box (d, size, FOURCC ('t', 'k', 'h', 'd'), &tkhd_size);
  mdhd = find_path (d, size, mdhd_path, 2, &mdhd_size);
  hdlr = find_path (d, size, hdlr_path, 2, &hdlr_size);
  stbl = find_path (d, size, stbl_path, 3, &stbl_size);
  if (tkhd == NULL || mdhd == NULL || hdlr == NULL || stbl == NULL ||
      hdlr_size < 12)
    return FALSE;

  handler = GST_READ_UINT32_BE (hdlr + 8);
  switch (handler) {
    case FOURCC ('v', 'i', 'd', 'e'):
      type = KVS_MEDIA_VIDEO;
      break;
    case FOURCC ('s', 'o', 'u', 'n'):
      type = KVS_MEDIA_AUDIO;
      break;
    case FOURCC ('t', 'e', 'x', 't'):
    case FOURCC ('s', 'b', 't', 'l'):
    case FOURCC ('s', 'u', 'b', 't'):
      type = KVS_MEDIA_SUBTITLE;
      break;
    default:
      type = KVS_MEDIA_DATA;
      break;
  }
  s = kvs_media_info_add_stream (info, type);

  /* tkhd: the track id and the display matrix */
  r = (Reader) {
  tkhd, tkhd_size, 0};
  version = rd (&r, 1);
  rd (&r, 3);
  rd (&r, version == 1 ? 16 : 8);
  s->id = rd (&r, 4);
  rd (&r, 4 + (version == 1 ? 8 : 4) + 8 + 8);
  if (!overrun (&r) && r.pos + 36 <= r.size && type == KVS_MEDIA_VIDEO)
    s->rotation = matrix_rotation (r.data + r.pos);

  /* mdhd: the time base and the duration */
  r = (Reader) {
  mdhd, mdhd_size, 0};
  version = rd (&r, 1);
  rd (&r, 3);
  rd (&r, version == 1 ? 16 : 8);
  t.timescale = rd (&r, 4);
  t.duration = rd (&r, version == 1 ? 8 : 4);
  if (overrun (&r) || t.timescale == 0)
    return FALSE;

  t.edit_media_time = -1;
  box = find_path (d, size, elst_path, 2, &box_size);
  if (box != NULL)
    read_elst (box, box_size, &t);

  box = find_box (stbl, stbl_size, FOURCC ('s', 't', 's', 'd'), &box_size);
  if (box != NULL)
    read_sample_entry (box, box_size, s);
  box = find_box (stbl, stbl_size, FOURCC ('s', 't', 't', 's'), &box_size);
  if (box != NULL)
    read_stts (box, box_size, &t);
  box = find_box (stbl, stbl_size, FOURCC ('s', 't', 's', 'z'), &box_size);
  if (box != NULL)
    read_stsz (box, box_size, &t);
  box = find_box (stbl, stbl_size, FOURCC ('s', 't', 't', 's'), &box_size);
  if (box != NULL) {
    const guint8 *ctts;
    gsize ctts_size = 0;

    ctts = find_box (stbl, stbl_size, FOURCC ('c', 't', 't', 's'), &ctts_size);
    read_pts_end (box, box_size, ctts, ctts_size, &t);
  }

  s->tb_num = 1;
  s->tb_den = t.timescale;
  s->nb_frames = t.sample_count;

  /* FFmpeg's mov demuxer rebuilds the index within the edit: a track's
   * duration is what its samples cover from the edit's start, up to the
   * edit's end (in the media time base) */
  if (t.edit_media_time >= 0 && t.edit_duration > 0 && movie_timescale > 0) {
    guint64 edit = gst_util_uint64_scale_round (t.edit_duration,
        t.timescale, movie_timescale);
    guint64 covered = t.max_pts_end > t.edit_media_time ?
        (guint64) (t.max_pts_end - t.edit_media_time) : 0;

    s->duration_ts = (gint64) MIN (edit, covered);
  } else {
    s->duration_ts = t.duration;
  }
  s->start_pts = 0;

  if (t.samples > 0 && t.stts_duration > 0) {

    /* avg_frame_rate and bit_rate as mov_read_header computes them; the
     * real base frame rate of a constant-rate track is its delta's */
    if (type == KVS_MEDIA_VIDEO) {
      gst_util_fraction_multiply (t.timescale, 1, (gint) MIN (t.samples,
              G_MAXINT), (gint) MIN (t.stts_duration, G_MAXINT), &s->avg_num,
          &s->avg_den);
      if (t.constant_delta)
        gst_util_fraction_multiply (t.timescale, 1, 1, t.first_delta,
            &s->r_num, &s->r_den);
      else {
        s->r_num = s->avg_num;
        s->r_den = s->avg_den;
      }
    }
    s->bit_rate = (gint64) gst_util_uint64_scale (t.data_size,
        (guint64) t.timescale * 8, t.stts_duration);
  }
  return TRUE;
}

/**
 * kvs_mp4_parse_moov:
 * @moov: the movie box's payload
 * @size: its size
 * @file_size: the whole file's size in bytes
 * @major_brand: the file type box's major brand, or 0
 * @info: the file, to fill in
 * @error: a #KvsProberError
 */
gboolean
kvs_mp4_parse_moov (const guint8 * moov, gsize size, guint64 file_size,
    guint32 major_brand, KvsMediaInfo * info, GError ** error)
{
  const guint8 *mvhd;
  gsize mvhd_size, pos = 0;
  guint32 timescale;
  guint64 duration;
  Reader r;
  guint version;

  mvhd = find_box (moov, size, FOURCC ('m', 'v', 'h', 'd'), &mvhd_size);
  if (mvhd == NULL)
    goto invalid;
  r = (Reader) {
  mvhd, mvhd_size, 0};
  version = rd (&r, 1);
  rd (&r, 3);
  rd (&r, version == 1 ? 16 : 8);
  timescale = rd (&r, 4);
  duration = rd (&r, version == 1 ? 8 : 4);
  if (overrun (&r) || timescale == 0)
    goto invalid;

  while (pos + 8 <= size) {
    guint64 len = GST_READ_UINT32_BE (moov + pos);
    guint32 type = GST_READ_UINT32_BE (moov + pos + 4);

    if (len < 8 || len > size - pos)
      goto invalid;
    if (type == FOURCC ('t', 'r', 'a', 'k'))
      read_trak (moov + pos + 8, len - 8, timescale, info);
    pos += len;
  }

  info->format_name = "mov,mp4,m4a,3gp,3g2,mj2";
  info->format_long_name = "QuickTime / MOV";
  info->muxer_name = major_brand == FOURCC ('q', 't', ' ', ' ') ? "mov" : "mp4";
  info->probe_score = 100;
  info->size = file_size;
  info->duration_us = (gint64) gst_util_uint64_scale_round (duration,
      G_USEC_PER_SEC, timescale);
  if (info->duration_us > 0)
    info->bit_rate = (gint64) ((gdouble) file_size * 8.0 * G_USEC_PER_SEC /
        (gdouble) info->duration_us);
  return TRUE;

invalid:
  g_set_error (error, KVS_PROBER_ERROR, KVS_PROBER_ERROR_NO_INFO,
      "the movie box is damaged");
  return FALSE;
}

/* ---- the prober: the top-level boxes, the movie box kept ------------------ */

typedef struct
{
  guint8 header[16];
  guint header_len;
  guint64 box_start;
  guint64 box_end;              /* 0: no box open */
  GByteArray *moov;
  guint64 moov_end;
  gboolean moov_seen;
  gboolean damaged;
  guint32 major_brand;
  gboolean random_access;
  gboolean open_box;            /* a box "to the end of the file" is open */
} Mp4State;

static gpointer
mp4_new_state (gboolean random_access)
{
  Mp4State *st = g_new0 (Mp4State, 1);

  st->random_access = random_access;
  return st;
}

static void
mp4_free_state (gpointer p)
{
  Mp4State *st = p;

  if (st->moov)
    g_byte_array_unref (st->moov);
  g_free (st);
}

static guint64
mp4_feed (gpointer p, guint64 offset, const guint8 * data, gsize size)
{
  Mp4State *st = p;

  /* A muxer writing a stream (mp4mux without faststart) opens the media
   * data box "to the end of the file", writes the movie box after it and
   * then goes back to fix the size. Passing by, the movie box is the one
   * that starts a buffer. */
  if (st->open_box) {
    if (size < 8 || GST_READ_UINT32_BE (data + 4) != FOURCC ('m', 'o', 'o',
            'v'))
      return offset + size;
    st->open_box = FALSE;
    st->header_len = 0;
  }

  while (size > 0) {
    if (st->moov != NULL) {
      /* inside the movie box: keep it */
      gsize n = MIN (size, st->moov_end - offset);

      g_byte_array_append (st->moov, data, n);
      offset += n;
      data += n;
      size -= n;
      if (offset == st->moov_end) {
        st->moov_seen = TRUE;
        return KVS_PROBER_DONE;
      }
      continue;
    }

    if (st->header_len == 0)
      st->box_start = offset;
    while (size > 0 && st->header_len < 8) {
      st->header[st->header_len++] = *data++;
      offset++;
      size--;
    }
    if (st->header_len < 8)
      break;
    if (GST_READ_UINT32_BE (st->header) == 1) {
      while (size > 0 && st->header_len < 16) {
        st->header[st->header_len++] = *data++;
        offset++;
        size--;
      }
      if (st->header_len < 16)
        break;
    }

    {
      guint64 len = GST_READ_UINT32_BE (st->header);
      guint32 type = GST_READ_UINT32_BE (st->header + 4);

      if (len == 1)
        len = GST_READ_UINT64_BE (st->header + 8);
      st->header_len = 0;
      if (len == 0) {           /* to the end of the file */
        if (st->random_access)
          return KVS_PROBER_DONE;
        st->open_box = TRUE;
        return offset + size;
      }
      if (len < 8) {
        st->damaged = TRUE;
        return KVS_PROBER_DONE;
      }
      if (type == FOURCC ('f', 't', 'y', 'p') && size >= 4 &&
          st->box_start + len - offset >= 4)
        st->major_brand = GST_READ_UINT32_BE (data);
      if (kvs_mp4_box_is_header (type)) {
        guint64 hdr = offset - st->box_start;

        if (len - hdr > 64 * 1024 * 1024) {     /* no real movie box is */
          st->damaged = TRUE;
          return KVS_PROBER_DONE;
        }
        st->moov = g_byte_array_sized_new (len - hdr);
        st->moov_end = st->box_start + len;
        continue;
      }
      /* skip the box */
      if (st->box_start + len > offset + size)
        return st->box_start + len;
      data += st->box_start + len - offset;
      size -= st->box_start + len - offset;
      offset = st->box_start + len;
    }
  }
  return offset;
}

static gboolean
mp4_finish (gpointer p, guint64 size, KvsMediaInfo * info, GError ** error)
{
  Mp4State *st = p;

  if (!st->moov_seen) {
    g_set_error (error, KVS_PROBER_ERROR, KVS_PROBER_ERROR_NO_INFO,
        st->moov ? "the movie box is cut short" :
        "there is no movie box (moov)");
    return FALSE;
  }
  return kvs_mp4_parse_moov (st->moov->data, st->moov->len, size,
      st->major_brand, info, error);
}

static const gchar *const mp4_media_types[] = {
  "video/quicktime", "audio/x-m4a", "application/x-3gp", NULL
};

const KvsProberClass kvs_mp4_prober = {
  "mp4",
  mp4_media_types,
  mp4_new_state,
  mp4_free_state,
  mp4_feed,
  mp4_finish,
};
