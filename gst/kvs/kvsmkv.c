/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Matroska / WebM, read the way FFmpeg 5.1's matroska demuxer
 * (matroskadec.c) and avformat_find_stream_info read it, into what ffprobe
 * reports. The segment's Info (time scale, duration) and Tracks give the
 * streams; the first blocks of the first clusters give what FFmpeg learns
 * from the first packets: each stream's start, the VP8/VP9 frame header
 * (profile, pixel format) and the MP3 parser's bit rate. Nothing at the end
 * of the file matters, so a probe stops there, in pull and in push mode. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvscodecs.h"
#include "kvsprober.h"

#include <gst/gst.h>

#include <string.h>

#define ID_EBML                 0x1A45DFA3
#define ID_DOCTYPE              0x4282
#define ID_SEGMENT              0x18538067
#define ID_SEEKHEAD             0x114D9B74
#define ID_SEEK                 0x4DBB
#define ID_SEEKID               0x53AB
#define ID_SEEKPOSITION         0x53AC
#define ID_INFO                 0x1549A966
#define ID_TIMESTAMPSCALE       0x2AD7B1
#define ID_DURATION             0x4489
#define ID_TRACKS               0x1654AE6B
#define ID_TRACKENTRY           0xAE
#define ID_TRACKNUMBER          0xD7
#define ID_TRACKTYPE            0x83
#define ID_CODECID              0x86
#define ID_CODECPRIVATE         0x63A2
#define ID_DEFAULTDURATION      0x23E383
#define ID_TRACKTIMESTAMPSCALE  0x23314F
#define ID_CODECDELAY           0x56AA
#define ID_VIDEO                0xE0
#define ID_PIXELWIDTH           0xB0
#define ID_PIXELHEIGHT          0xBA
#define ID_DISPLAYWIDTH         0x54B0
#define ID_DISPLAYHEIGHT        0x54BA
#define ID_DISPLAYUNIT          0x54B2
#define ID_FRAMERATE            0x2383E3
#define ID_AUDIO                0xE1
#define ID_SAMPLINGFREQUENCY    0xB5
#define ID_OUTSAMPLINGFREQUENCY 0x78B5
#define ID_CHANNELS             0x9F
#define ID_BITDEPTH             0x6264
#define ID_CLUSTER              0x1F43B675
#define ID_CLUSTERTIMESTAMP     0xE7
#define ID_SIMPLEBLOCK          0xA3
#define ID_BLOCKGROUP           0xA0
#define ID_BLOCK                0xA1
#define ID_CUES                 0x1C53BB6B
#define ID_TAGS                 0x1254C367
#define ID_CHAPTERS             0x1043A770
#define ID_ATTACHMENTS          0x1941A469

#define UNKNOWN_SIZE G_MAXUINT64

/* the largest header element kept, and the bytes of a block kept */
#define MAX_HEADER_SIZE (16 * 1024 * 1024)
#define MAX_BLOCK_KEPT (64 * 1024)
/* how far into the clusters a probe reads for streams that have no block
 * yet (FFmpeg's probesize is 5 MB) */
#define MAX_CLUSTER_BYTES (5 * 1024 * 1024)
#define MAX_TRACKS 64
#define MAX_TIMESTAMPS 48
#define MAX_MPA_FRAMES 64
#define MAX_SEQ 8

/* ---- EBML in a buffer ---------------------------------------------------- */

typedef struct
{
  const guint8 *data;
  gsize size;
  gsize pos;
} Ebml;

/* A variable-size integer; @keep_marker for element IDs. Returns its
 * length, 0 if invalid or cut short. */
static guint
read_vint (const guint8 * d, gsize avail, gboolean keep_marker, guint64 * v)
{
  guint len = 1, i;
  guint8 mask = 0x80;

  if (avail < 1 || d[0] == 0)
    return 0;
  while (!(d[0] & mask)) {
    mask >>= 1;
    len++;
  }
  if (len > avail)
    return 0;
  *v = keep_marker ? d[0] : d[0] & (mask - 1);
  for (i = 1; i < len; i++)
    *v = (*v << 8) | d[i];
  if (!keep_marker && *v == ((guint64) 1 << (7 * len)) - 1)
    *v = UNKNOWN_SIZE;
  return len;
}

/* The next child element of a buffered master: its ID and payload. */
static gboolean
ebml_next (Ebml * e, guint32 * id, const guint8 ** payload, gsize * size)
{
  guint64 v, len;
  guint n, m;

  n = read_vint (e->data + e->pos, e->size - e->pos, TRUE, &v);
  if (n == 0 || n > 4)
    return FALSE;
  m = read_vint (e->data + e->pos + n, e->size - e->pos - n, FALSE, &len);
  if (m == 0 || len == UNKNOWN_SIZE || len > e->size - e->pos - n - m)
    return FALSE;
  *id = (guint32) v;
  *payload = e->data + e->pos + n + m;
  *size = len;
  e->pos += n + m + len;
  return TRUE;
}

static guint64
ebml_uint (const guint8 * d, gsize size)
{
  guint64 v = 0;
  gsize i;

  for (i = 0; i < size && i < 8; i++)
    v = (v << 8) | d[i];
  return v;
}

static gdouble
ebml_float (const guint8 * d, gsize size)
{
  if (size == 4) {
    union
    {
      guint32 i;
      gfloat f;
    } u;

    u.i = GST_READ_UINT32_BE (d);
    return u.f;
  }
  if (size == 8) {
    union
    {
      guint64 i;
      gdouble f;
    } u;

    u.i = GST_READ_UINT64_BE (d);
    return u.f;
  }
  return 0.0;
}

/* ---- what the headers say ------------------------------------------------ */

typedef struct
{
  guint64 number;
  guint64 type;
  gchar *codec_id;
  GBytes *codec_private;
  guint64 default_duration;
  gdouble timestamp_scale;
  guint64 codec_delay;
  guint64 pixel_width, pixel_height;
  guint64 display_width, display_height, display_unit;
  gdouble frame_rate;
  gdouble sampling_frequency, out_sampling_frequency;
  guint64 channels, bit_depth;
} TrackEntry;

/* what the first blocks of a track say */
typedef struct
{
  guint64 number;
  guint n_blocks;
  gint64 first_timestamp;       /* segment ticks */
  guint8 first_frame[64];
  gsize first_frame_size;
  gint64 timestamps[MAX_TIMESTAMPS];
  guint n_timestamps;
  guint64 seq[MAX_SEQ];         /* the first blocks' places in the file */
  guint mpa_bit_rates[MAX_MPA_FRAMES];
  guint64 mpa_seq[MAX_MPA_FRAMES];
  guint n_mpa;
} BlockTrack;

typedef enum
{
  WANT_HEADER,
  WANT_PAYLOAD,
} Mode;

typedef struct
{
  gboolean random_access;

  /* the element being read */
  Mode mode;
  guint8 hdr[12];
  guint hdr_len;
  guint64 elem_start;
  guint32 elem_id;
  guint64 elem_end;             /* UNKNOWN_SIZE if so */
  GByteArray *payload;
  gsize payload_wanted;

  /* open masters */
  gboolean in_cluster;
  guint64 cluster_end;
  guint64 blockgroup_end;
  guint64 cluster_timestamp;
  guint64 first_cluster;        /* 0: none seen yet */
  guint64 resume;               /* where to come back after a jump, or 0 */

  /* the headers */
  gboolean have_ebml, have_info, have_tracks;
  gchar *doctype;
  guint64 segment_start;
  guint64 info_pos, tracks_pos; /* from the seek head, 0 if unknown */
  guint64 timestamp_scale;
  gdouble duration;
  GArray *tracks;               /* TrackEntry */
  GArray *blocks;               /* BlockTrack */
  guint64 n_blocks;             /* blocks of every track so far */
  gboolean damaged;
} MkvState;

static void
track_entry_clear (gpointer p)
{
  TrackEntry *t = p;

  g_free (t->codec_id);
  if (t->codec_private)
    g_bytes_unref (t->codec_private);
}

static gpointer
mkv_new_state (gboolean random_access)
{
  MkvState *st = g_new0 (MkvState, 1);

  st->random_access = random_access;
  st->payload = g_byte_array_new ();
  st->timestamp_scale = 1000000;
  st->tracks = g_array_new (FALSE, TRUE, sizeof (TrackEntry));
  g_array_set_clear_func (st->tracks, track_entry_clear);
  st->blocks = g_array_new (FALSE, TRUE, sizeof (BlockTrack));
  return st;
}

static void
mkv_free_state (gpointer p)
{
  MkvState *st = p;

  g_byte_array_unref (st->payload);
  g_array_unref (st->tracks);
  g_array_unref (st->blocks);
  g_free (st->doctype);
  g_free (st);
}

static void
read_ebml_header (MkvState * st, const guint8 * d, gsize size)
{
  Ebml e = { d, size, 0 };
  const guint8 *p;
  gsize n;
  guint32 id;

  st->have_ebml = TRUE;
  while (ebml_next (&e, &id, &p, &n))
    if (id == ID_DOCTYPE) {
      g_free (st->doctype);
      st->doctype = g_strndup ((const gchar *) p, n);
    }
}

static void
read_seek_head (MkvState * st, const guint8 * d, gsize size)
{
  Ebml e = { d, size, 0 }, c;
  const guint8 *p, *q;
  gsize n, m;
  guint32 id, cid;

  while (ebml_next (&e, &id, &p, &n)) {
    guint64 target = 0, pos = 0;

    if (id != ID_SEEK)
      continue;
    c = (Ebml) {
    p, n, 0};
    while (ebml_next (&c, &cid, &q, &m)) {
      if (cid == ID_SEEKID)
        target = ebml_uint (q, m);
      else if (cid == ID_SEEKPOSITION)
        pos = ebml_uint (q, m);
    }
    if (target == ID_INFO && st->info_pos == 0)
      st->info_pos = st->segment_start + pos;
    else if (target == ID_TRACKS && st->tracks_pos == 0)
      st->tracks_pos = st->segment_start + pos;
  }
}

static void
read_info (MkvState * st, const guint8 * d, gsize size)
{
  Ebml e = { d, size, 0 };
  const guint8 *p;
  gsize n;
  guint32 id;

  st->have_info = TRUE;
  while (ebml_next (&e, &id, &p, &n)) {
    if (id == ID_TIMESTAMPSCALE) {
      st->timestamp_scale = ebml_uint (p, n);
      if (st->timestamp_scale == 0)
        st->timestamp_scale = 1000000;
    } else if (id == ID_DURATION) {
      st->duration = ebml_float (p, n);
    }
  }
}

static void
read_video (TrackEntry * t, const guint8 * d, gsize size)
{
  Ebml e = { d, size, 0 };
  const guint8 *p;
  gsize n;
  guint32 id;

  while (ebml_next (&e, &id, &p, &n)) {
    switch (id) {
      case ID_PIXELWIDTH:
        t->pixel_width = ebml_uint (p, n);
        break;
      case ID_PIXELHEIGHT:
        t->pixel_height = ebml_uint (p, n);
        break;
      case ID_DISPLAYWIDTH:
        t->display_width = ebml_uint (p, n);
        break;
      case ID_DISPLAYHEIGHT:
        t->display_height = ebml_uint (p, n);
        break;
      case ID_DISPLAYUNIT:
        t->display_unit = ebml_uint (p, n);
        break;
      case ID_FRAMERATE:
        t->frame_rate = ebml_float (p, n);
        break;
      default:
        break;
    }
  }
}

static void
read_audio (TrackEntry * t, const guint8 * d, gsize size)
{
  Ebml e = { d, size, 0 };
  const guint8 *p;
  gsize n;
  guint32 id;

  while (ebml_next (&e, &id, &p, &n)) {
    switch (id) {
      case ID_SAMPLINGFREQUENCY:
        t->sampling_frequency = ebml_float (p, n);
        break;
      case ID_OUTSAMPLINGFREQUENCY:
        t->out_sampling_frequency = ebml_float (p, n);
        break;
      case ID_CHANNELS:
        t->channels = ebml_uint (p, n);
        break;
      case ID_BITDEPTH:
        t->bit_depth = ebml_uint (p, n);
        break;
      default:
        break;
    }
  }
}

static void
read_track_entry (TrackEntry * t, const guint8 * d, gsize size)
{
  Ebml e = { d, size, 0 };
  const guint8 *p;
  gsize n;
  guint32 id;

  /* the defaults of the specification, as FFmpeg's syntax tables give them */
  t->timestamp_scale = 1.0;
  t->display_width = t->display_height = UNKNOWN_SIZE;
  t->sampling_frequency = 8000.0;
  t->channels = 1;
  while (ebml_next (&e, &id, &p, &n)) {
    switch (id) {
      case ID_TRACKNUMBER:
        t->number = ebml_uint (p, n);
        break;
      case ID_TRACKTYPE:
        t->type = ebml_uint (p, n);
        break;
      case ID_CODECID:
        g_free (t->codec_id);
        t->codec_id = g_strndup ((const gchar *) p, n);
        break;
      case ID_CODECPRIVATE:
        if (t->codec_private)
          g_bytes_unref (t->codec_private);
        t->codec_private = g_bytes_new (p, n);
        break;
      case ID_DEFAULTDURATION:
        t->default_duration = ebml_uint (p, n);
        break;
      case ID_TRACKTIMESTAMPSCALE:
        t->timestamp_scale = ebml_float (p, n);
        break;
      case ID_CODECDELAY:
        t->codec_delay = ebml_uint (p, n);
        break;
      case ID_VIDEO:
        read_video (t, p, n);
        break;
      case ID_AUDIO:
        read_audio (t, p, n);
        break;
      default:
        break;
    }
  }
}

static void
read_tracks (MkvState * st, const guint8 * d, gsize size)
{
  Ebml e = { d, size, 0 };
  const guint8 *p;
  gsize n;
  guint32 id;

  st->have_tracks = TRUE;
  while (ebml_next (&e, &id, &p, &n) && st->tracks->len < MAX_TRACKS) {
    TrackEntry t = { 0 };

    if (id != ID_TRACKENTRY)
      continue;
    read_track_entry (&t, p, n);
    g_array_append_val (st->tracks, t);
  }
}

/* ---- blocks ---------------------------------------------------------------- */

static BlockTrack *
block_track (MkvState * st, guint64 number)
{
  BlockTrack bt = { 0 };
  guint i;

  for (i = 0; i < st->blocks->len; i++)
    if (g_array_index (st->blocks, BlockTrack, i).number == number)
      return &g_array_index (st->blocks, BlockTrack, i);
  if (st->blocks->len >= MAX_TRACKS)
    return NULL;
  bt.number = number;
  g_array_append_val (st->blocks, bt);
  return &g_array_index (st->blocks, BlockTrack, st->blocks->len - 1);
}

/* the offset of the first frame in a block's data, after the lacing */
static gsize
first_frame_offset (const guint8 * d, gsize size, gsize pos, guint lacing)
{
  guint64 v;
  guint frames, i, n;

  if (lacing == 0)
    return pos;
  if (pos >= size)
    return size;
  frames = d[pos++] + 1;
  switch (lacing) {
    case 1:                    /* Xiph: the sizes of all frames but the last */
      for (i = 0; i + 1 < frames && pos < size; i++)
        while (pos < size && d[pos++] == 255);
      return MIN (pos, size);
    case 3:                    /* EBML: a size, then differences */
      for (i = 0; i + 1 < frames; i++) {
        n = read_vint (d + pos, size - pos, FALSE, &v);
        if (n == 0)
          return size;
        pos += n;
      }
      return pos;
    default:                   /* fixed */
      return pos;
  }
}

/* the MPEG audio frames of a block, for the parser's bit rate */
static void
record_mpa_frames (BlockTrack * bt, guint64 seq, const guint8 * d, gsize size)
{
  gsize pos = 0;

  while (pos + 4 <= size && bt->n_mpa < MAX_MPA_FRAMES) {
    guint frame_size = 0;
    guint br = kvs_mpa_frame_bit_rate (d + pos, size - pos, &frame_size);

    if (br == 0 || frame_size < 4)
      break;
    bt->mpa_seq[bt->n_mpa] = seq;
    bt->mpa_bit_rates[bt->n_mpa++] = br;
    pos += frame_size;
  }
}

static void
read_block (MkvState * st, const guint8 * d, gsize size)
{
  BlockTrack *bt;
  guint64 number;
  gint64 ts;
  guint n;
  gsize pos;

  n = read_vint (d, size, FALSE, &number);
  if (n == 0 || size < n + 3)
    return;
  bt = block_track (st, number);
  if (bt == NULL)
    return;
  ts = (gint64) st->cluster_timestamp + (gint16) GST_READ_UINT16_BE (d + n);
  pos = first_frame_offset (d, size, n + 3, (d[n + 2] >> 1) & 3);

  if (bt->n_blocks == 0) {
    bt->first_timestamp = ts;
    bt->first_frame_size = MIN (size - pos, sizeof (bt->first_frame));
    memcpy (bt->first_frame, d + pos, bt->first_frame_size);
  }
  if (bt->n_blocks < MAX_SEQ)
    bt->seq[bt->n_blocks] = st->n_blocks;
  bt->n_blocks++;
  if (bt->n_timestamps < MAX_TIMESTAMPS)
    bt->timestamps[bt->n_timestamps++] = ts;
  record_mpa_frames (bt, st->n_blocks, d + pos, size - pos);
  st->n_blocks++;
}

static gboolean
is_mpeg_audio (const TrackEntry * t)
{
  return t->codec_id != NULL && g_str_has_prefix (t->codec_id, "A_MPEG/L");
}

/* the blocks a track needs seen: one for its start and its first frame;
 * with MPEG audio, as many as FFmpeg reads before it stops (see
 * mpa_bit_rate) */
static gboolean
track_has_blocks (MkvState * st, const TrackEntry * t, gboolean mpa)
{
  BlockTrack *bt = NULL;
  guint i;

  for (i = 0; i < st->blocks->len; i++)
    if (g_array_index (st->blocks, BlockTrack, i).number == t->number)
      bt = &g_array_index (st->blocks, BlockTrack, i);
  if (bt == NULL)
    return FALSE;
  if (mpa && bt->n_blocks < MAX_SEQ)
    return FALSE;
  if (t->type == 1 && t->default_duration == 0 && t->frame_rate <= 0.0)
    return bt->n_timestamps >= MAX_TIMESTAMPS;
  return TRUE;
}

/* Whether the probe has all it needs. */
static gboolean
have_enough (MkvState * st, guint64 offset)
{
  gboolean mpa = FALSE;
  guint i;

  if (!st->have_ebml || !st->have_info || !st->have_tracks)
    return FALSE;
  for (i = 0; i < st->tracks->len; i++)
    mpa |= is_mpeg_audio (&g_array_index (st->tracks, TrackEntry, i));
  if (st->first_cluster != 0 && offset - st->first_cluster > MAX_CLUSTER_BYTES)
    return TRUE;
  for (i = 0; i < st->tracks->len; i++) {
    const TrackEntry *t = &g_array_index (st->tracks, TrackEntry, i);

    if ((t->type == 1 || t->type == 2) && !track_has_blocks (st, t, mpa))
      return FALSE;
  }
  return TRUE;
}

/* ---- the walker ------------------------------------------------------------ */

static gboolean
is_segment_child (guint32 id)
{
  switch (id) {
    case ID_SEEKHEAD:
    case ID_INFO:
    case ID_TRACKS:
    case ID_CLUSTER:
    case ID_CUES:
    case ID_TAGS:
    case ID_CHAPTERS:
    case ID_ATTACHMENTS:
      return TRUE;
    default:
      return FALSE;
  }
}

/* Where to go when the headers are missing and the clusters are done:
 * the seek head's pointers, in pull mode. */
static guint64
jump_to_headers (MkvState * st, guint64 here)
{
  guint64 target = 0;

  if (!st->random_access)
    return 0;
  if (!st->have_info && st->info_pos > here)
    target = st->info_pos;
  else if (!st->have_tracks && st->tracks_pos > here)
    target = st->tracks_pos;
  if (target != 0 && st->resume == 0)
    st->resume = here;
  return target;
}

/* After an element: where the next one is, or KVS_PROBER_DONE. */
static guint64
next_after (MkvState * st, guint64 end)
{
  if (have_enough (st, end))
    return KVS_PROBER_DONE;
  if (st->have_info && st->have_tracks && st->resume != 0) {
    end = st->resume;
    st->resume = 0;
    st->in_cluster = FALSE;
  }
  return end;
}

static void
handle_payload (MkvState * st)
{
  const guint8 *d = st->payload->data;
  gsize size = st->payload->len;

  switch (st->elem_id) {
    case ID_EBML:
      read_ebml_header (st, d, size);
      break;
    case ID_SEEKHEAD:
      read_seek_head (st, d, size);
      break;
    case ID_INFO:
      read_info (st, d, size);
      break;
    case ID_TRACKS:
      read_tracks (st, d, size);
      break;
    case ID_CLUSTERTIMESTAMP:
      st->cluster_timestamp = ebml_uint (d, size);
      break;
    case ID_SIMPLEBLOCK:
    case ID_BLOCK:
      read_block (st, d, size);
      break;
    default:
      break;
  }
}

/* Keeps up to @max bytes of the element's payload. */
static guint64
keep (MkvState * st, guint64 payload_start, guint64 size, gsize max)
{
  if (size == UNKNOWN_SIZE || size > max) {
    if (st->elem_id != ID_SIMPLEBLOCK && st->elem_id != ID_BLOCK) {
      st->damaged = TRUE;
      return KVS_PROBER_DONE;
    }
    size = max;
  }
  g_byte_array_set_size (st->payload, 0);
  st->payload_wanted = size;
  st->mode = WANT_PAYLOAD;
  return payload_start;
}

static guint64
skip (MkvState * st, guint64 end)
{
  if (end == UNKNOWN_SIZE) {
    st->damaged = TRUE;
    return KVS_PROBER_DONE;
  }
  return next_after (st, end);
}

static guint64
enter_cluster (MkvState * st, guint64 start, guint64 payload, guint64 end)
{
  guint64 target;

  if (st->have_info && st->have_tracks && have_enough (st, start))
    return KVS_PROBER_DONE;
  if (st->first_cluster == 0)
    st->first_cluster = start;
  if (start - st->first_cluster > MAX_CLUSTER_BYTES) {
    /* the clusters are done with: the headers must come later */
    target = jump_to_headers (st, start);
    if (target != 0)
      return target;
    return skip (st, end);
  }
  st->in_cluster = TRUE;
  st->cluster_end = end;
  st->cluster_timestamp = 0;
  st->blockgroup_end = 0;
  return payload;
}

static guint64
handle_header (MkvState * st, guint32 id, guint64 start, guint64 payload,
    guint64 size)
{
  guint64 end = size == UNKNOWN_SIZE ? UNKNOWN_SIZE : payload + size;

  st->elem_id = id;
  st->elem_start = start;
  st->elem_end = end;

  if (st->in_cluster && st->cluster_end == UNKNOWN_SIZE &&
      is_segment_child (id))
    st->in_cluster = FALSE;

  if (st->in_cluster) {
    switch (id) {
      case ID_CLUSTERTIMESTAMP:
        return keep (st, payload, size, 8);
      case ID_SIMPLEBLOCK:
      case ID_BLOCK:
        return keep (st, payload, size, MAX_BLOCK_KEPT);
      case ID_BLOCKGROUP:
        if (end == UNKNOWN_SIZE)
          return skip (st, end);
        st->blockgroup_end = end;
        return payload;
      default:
        return skip (st, end);
    }
  }

  switch (id) {
    case ID_EBML:
      return keep (st, payload, size, 4096);
    case ID_SEGMENT:
      st->segment_start = payload;
      return payload;
    case ID_SEEKHEAD:
      return keep (st, payload, size, MAX_HEADER_SIZE);
    case ID_INFO:
      if (st->have_info)
        return skip (st, end);
      return keep (st, payload, size, MAX_HEADER_SIZE);
    case ID_TRACKS:
      if (st->have_tracks)
        return skip (st, end);
      return keep (st, payload, size, MAX_HEADER_SIZE);
    case ID_CLUSTER:
      return enter_cluster (st, start, payload, end);
    default:
    {
      guint64 target = 0;

      /* the headers are after the clusters and what follows them */
      if (id == ID_CUES || id == ID_TAGS)
        target = jump_to_headers (st, start);
      return target != 0 ? target : skip (st, end);
    }
  }
}

/* An element header is complete once its ID and its size are. Returns
 * FALSE while more bytes are needed. */
static gboolean
parse_header (MkvState * st, guint32 * id, guint64 * size)
{
  guint64 v;
  guint n, m;

  n = read_vint (st->hdr, st->hdr_len, TRUE, &v);
  if (n == 0)
    return FALSE;
  m = read_vint (st->hdr + n, st->hdr_len - n, FALSE, size);
  if (m == 0)
    return FALSE;
  *id = (guint32) v;
  return TRUE;
}

static guint64
mkv_feed (gpointer p, guint64 offset, const guint8 * data, gsize size)
{
  MkvState *st = p;
  guint64 next;

  while (size > 0) {
    if (st->mode == WANT_PAYLOAD) {
      gsize n = MIN (size, st->payload_wanted - st->payload->len);

      g_byte_array_append (st->payload, data, n);
      data += n;
      size -= n;
      offset += n;
      if (st->payload->len < st->payload_wanted)
        break;
      st->mode = WANT_HEADER;
      handle_payload (st);
      next = st->elem_end == UNKNOWN_SIZE ? offset :
          next_after (st, st->elem_end);
    } else {
      guint32 id;
      guint64 len;

      if (st->hdr_len == 0) {
        st->elem_start = offset;
        if (st->in_cluster && st->blockgroup_end != 0 &&
            offset >= st->blockgroup_end)
          st->blockgroup_end = 0;
        if (st->in_cluster && offset >= st->cluster_end)
          st->in_cluster = FALSE;
        if (st->hdr_len == 0 && data[0] == 0) {
          st->damaged = TRUE;
          return KVS_PROBER_DONE;
        }
      }
      st->hdr[st->hdr_len++] = *data++;
      size--;
      offset++;
      if (!parse_header (st, &id, &len)) {
        if (st->hdr_len == sizeof (st->hdr)) {
          st->damaged = TRUE;
          return KVS_PROBER_DONE;
        }
        continue;
      }
      st->hdr_len = 0;
      next = handle_header (st, id, st->elem_start, offset, len);
    }

    if (next == KVS_PROBER_DONE)
      return next;
    if (next < offset || next >= offset + size)
      return next;
    data += next - offset;
    size -= next - offset;
    offset = next;
  }
  return offset;
}

/* ---- the streams ------------------------------------------------------------ */

static const struct
{
  const gchar *prefix;
  const gchar *codec_name;
} codec_ids[] = {
  {"V_MPEG4/ISO/AVC", "h264"},
  {"V_MPEGH/ISO/HEVC", "hevc"},
  {"V_VP8", "vp8"},
  {"V_VP9", "vp9"},
  {"V_AV1", "av1"},
  {"V_THEORA", "theora"},
  {"V_MPEG4/ISO/", "mpeg4"},
  {"V_MPEG2", "mpeg2video"},
  {"V_MPEG1", "mpeg1video"},
  {"V_MJPEG", "mjpeg"},
  {"A_AAC", "aac"},
  {"A_MPEG/L3", "mp3"},
  {"A_MPEG/L2", "mp2"},
  {"A_MPEG/L1", "mp1"},
  {"A_OPUS", "opus"},
  {"A_VORBIS", "vorbis"},
  {"A_FLAC", "flac"},
  {"A_AC3", "ac3"},
  {"A_EAC3", "eac3"},
  {"A_DTS", "dts"},
  {"A_ALAC", "alac"},
  {"A_TRUEHD", "truehd"},
  {"A_WAVPACK4", "wavpack"},
};

static const gchar *
codec_name_for (const TrackEntry * t)
{
  guint i;

  if (g_str_has_prefix (t->codec_id, "A_PCM/INT/LIT"))
    return t->bit_depth == 8 ? "pcm_u8" : t->bit_depth == 24 ? "pcm_s24le" :
        t->bit_depth == 32 ? "pcm_s32le" : "pcm_s16le";
  if (g_str_has_prefix (t->codec_id, "A_PCM/FLOAT/IEEE"))
    return t->bit_depth == 64 ? "pcm_f64le" : "pcm_f32le";
  for (i = 0; i < G_N_ELEMENTS (codec_ids); i++)
    if (g_str_has_prefix (t->codec_id, codec_ids[i].prefix))
      return codec_ids[i].codec_name;
  return NULL;
}

static const gchar *
mono_stereo (gint64 channels)
{
  return channels == 1 ? "mono" : channels == 2 ? "stereo" : NULL;
}

/* Xiph lacing of the three Vorbis headers: the first one */
static void
read_vorbis_private (KvsMediaStream * s, const guint8 * d, gsize size)
{
  gsize pos = 1, first = 0;

  if (size < 3 || d[0] != 2)
    return;
  while (pos < size && d[pos] == 255)
    first += d[pos++];
  if (pos >= size)
    return;
  first += d[pos++];
  while (pos < size && d[pos] == 255)
    pos++;
  pos++;
  if (pos < size)
    kvs_vorbis_parse_id (s, d + pos, MIN (first, size - pos));
}

/* VP9 CodecPrivate: ID, length, value features; 1 is the profile */
static void
read_vp9_private (KvsMediaStream * s, const guint8 * d, gsize size)
{
  gsize pos = 0;

  while (pos + 2 <= size && pos + 2 + d[pos + 1] <= size) {
    if (d[pos] == 1 && d[pos + 1] == 1 && d[pos + 2] <= 3) {
      g_free (s->profile);
      s->profile = g_strdup_printf ("Profile %u", d[pos + 2]);
    }
    pos += 2 + d[pos + 1];
  }
}

static void
read_codec_private (KvsMediaStream * s, const TrackEntry * t)
{
  const guint8 *d;
  gsize size;

  if (t->codec_private == NULL)
    return;
  d = g_bytes_get_data (t->codec_private, &size);
  if (g_strcmp0 (s->codec_name, "h264") == 0)
    kvs_h264_parse_avcc (s, d, size);
  else if (g_strcmp0 (s->codec_name, "hevc") == 0)
    kvs_h265_parse_hvcc (s, d, size);
  else if (g_strcmp0 (s->codec_name, "aac") == 0)
    kvs_aac_parse_config (s, d, size);
  else if (g_strcmp0 (s->codec_name, "opus") == 0)
    kvs_opus_parse_head (s, d, size);
  else if (g_strcmp0 (s->codec_name, "vorbis") == 0)
    read_vorbis_private (s, d, size);
  else if (g_strcmp0 (s->codec_name, "flac") == 0 && size >= 8 + 34 &&
      memcmp (d, "fLaC", 4) == 0)
    kvs_flac_parse_streaminfo (s, d + 8, size - 8, NULL);
  else if (g_strcmp0 (s->codec_name, "vp9") == 0)
    read_vp9_private (s, d, size);
  else if (size >= 20 && g_str_has_prefix (t->codec_id, "V_MS/VFW/FOURCC"))
    s->codec_tag = GST_READ_UINT32_LE (d + 16);
  else if (size >= 2 && g_str_has_prefix (t->codec_id, "A_MS/ACM"))
    s->codec_tag = GST_READ_UINT16_LE (d);
}

/* What the decoders learn from the first frame. */
static void
read_first_frame (KvsMediaStream * s, const BlockTrack * bt)
{
  if (bt == NULL || bt->first_frame_size == 0)
    return;
  if (g_strcmp0 (s->codec_name, "vp8") == 0)
    kvs_vp8_parse_frame (s, bt->first_frame, bt->first_frame_size);
  else if (g_strcmp0 (s->codec_name, "vp9") == 0)
    kvs_vp9_parse_frame (s, bt->first_frame, bt->first_frame_size);
}

/* The standard rates ff_rfps_calculate and avformat_find_stream_info snap
 * to: n/12 fps up to 60 fps, and the NTSC ones. */
static void
snap_frame_rate (gdouble fps, gint * num, gint * den)
{
  static const gint ntsc[] = { 24000, 30000, 60000, 12000, 15000 };
  gdouble best_err = 0.01 * fps;
  guint i;

  *num = 0;
  *den = 0;
  for (i = 1; i <= 60 * 12; i++) {
    gdouble err = ABS (fps - i / 12.0);

    if (err < best_err) {
      best_err = err;
      gst_util_fraction_multiply (i, 12, 1, 1, num, den);
    }
  }
  for (i = 0; i < G_N_ELEMENTS (ntsc); i++) {
    gdouble err = ABS (fps - ntsc[i] / 1001.0);

    if (err < best_err) {
      best_err = err;
      *num = ntsc[i];
      *den = 1001;
    }
  }
  if (*num == 0 && fps > 0)
    gst_util_double_to_fraction (fps, num, den);
}

static gint
compare_int64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Without a default duration, the rate of the first blocks' timestamps
 * (an approximation of what FFmpeg estimates from the first packets). */
static void
estimate_frame_rate (KvsMediaStream * s, const BlockTrack * bt,
    gdouble tick_seconds)
{
  gint64 ts[MAX_TIMESTAMPS];
  guint n;

  if (bt == NULL || bt->n_timestamps < 2)
    return;
  n = bt->n_timestamps;
  memcpy (ts, bt->timestamps, n * sizeof (gint64));
  qsort (ts, n, sizeof (gint64), compare_int64);
  if (ts[n - 1] <= ts[0])
    return;
  snap_frame_rate ((n - 1) / ((ts[n - 1] - ts[0]) * tick_seconds), &s->avg_num,
      &s->avg_den);
  s->r_num = s->avg_num;
  s->r_den = s->avg_den;
}

static void
set_frame_rate (KvsMediaStream * s, const TrackEntry * t,
    const BlockTrack * bt, gdouble tick_seconds)
{
  guint64 dd = t->default_duration;

  if (dd == 0 && t->frame_rate > 0.0)
    dd = (guint64) (1e9 / t->frame_rate);
  if (dd == 0) {
    estimate_frame_rate (s, bt, tick_seconds);
    return;
  }
  /* av_reduce (1e9, dd, 30000) as the demuxer does */
  gst_util_double_to_fraction (1e9 / dd, &s->avg_num, &s->avg_den);
  if (s->avg_den > 30000 || s->avg_num > 30000 * (gint64) s->avg_den)
    snap_frame_rate (1e9 / dd, &s->avg_num, &s->avg_den);
  if (s->avg_num < s->avg_den * 1000LL && s->avg_num > s->avg_den * 5LL) {
    s->r_num = s->avg_num;
    s->r_den = s->avg_den;
  }
}

static void
set_video (KvsMediaStream * s, const TrackEntry * t)
{
  guint64 dw = t->display_width == UNKNOWN_SIZE ? t->pixel_width :
      t->display_width;
  guint64 dh = t->display_height == UNKNOWN_SIZE ? t->pixel_height :
      t->display_height;
  gint sar_num, sar_den;

  /* the stream's aspect ratio from the display size wins over the codec's
   * (av_guess_sample_aspect_ratio) */
  if (t->display_unit == 0 && dw > 0 && dh > 0 && t->pixel_width > 0 &&
      t->pixel_height > 0 && dw < G_MAXINT && dh < G_MAXINT &&
      t->pixel_width < G_MAXINT && t->pixel_height < G_MAXINT) {
    gst_util_fraction_multiply ((gint) t->pixel_height, (gint) t->pixel_width,
        (gint) dw, (gint) dh, &sar_num, &sar_den);
    s->sar_num = sar_num;
    s->sar_den = sar_den;
  }
}

/* PCM: the decoder's sample format, the bit rate its parameters give */
static void
set_pcm (KvsMediaStream * s, const TrackEntry * t)
{
  guint bits = t->bit_depth;

  if (s->codec_name == NULL || !g_str_has_prefix (s->codec_name, "pcm_"))
    return;
  if (g_str_has_prefix (s->codec_name, "pcm_f"))
    s->sample_fmt = bits == 64 ? "dbl" : "flt";
  else
    s->sample_fmt = bits == 8 ? "u8" : bits <= 16 ? "s16" : "s32";
  if (bits == 0)
    bits = 16;
  if (g_strcmp0 (s->codec_name, "pcm_s24le") == 0)
    s->bits_per_raw_sample = 24;
  s->bit_rate = s->sample_rate * s->channels * bits;
}

static guint64
gcd (guint64 a, guint64 b)
{
  while (b != 0) {
    guint64 r = a % b;

    a = b;
    b = r;
  }
  return a;
}

static const BlockTrack *
find_blocks (MkvState * st, guint64 number)
{
  guint i;

  for (i = 0; i < st->blocks->len; i++)
    if (g_array_index (st->blocks, BlockTrack, i).number == number)
      return &g_array_index (st->blocks, BlockTrack, i);
  return NULL;
}

static KvsMediaStream *
add_track (MkvState * st, KvsMediaInfo * info, const TrackEntry * t)
{
  const BlockTrack *bt = NULL;
  KvsMediaStream *s;
  KvsMediaType type;
  gint sar_num, sar_den;
  guint64 tb_num, tb_den, g;

  if (t->codec_id == NULL)
    return NULL;
  if (t->type == 1 && t->codec_id[0] == 'V')
    type = KVS_MEDIA_VIDEO;
  else if (t->type == 2 && t->codec_id[0] == 'A')
    type = KVS_MEDIA_AUDIO;
  else if ((t->type == 0x11 || t->type == 0x21) && (t->codec_id[0] == 'S' ||
          t->codec_id[0] == 'D'))
    type = KVS_MEDIA_SUBTITLE;
  else
    return NULL;

  bt = find_blocks (st, t->number);

  s = kvs_media_info_add_stream (info, type);
  s->codec_name = codec_name_for (t);
  s->codec_tag = 0;

  /* time base: TimestampScale x TrackTimestampScale ns */
  tb_num = (guint64) (st->timestamp_scale * (t->timestamp_scale < 0.01 ? 1.0 :
          t->timestamp_scale));
  tb_den = 1000000000;
  g = gcd (tb_num, tb_den);
  s->tb_num = (gint) (tb_num / g);
  s->tb_den = (gint) (tb_den / g);

  if (bt != NULL && bt->n_blocks > 0) {
    /* the codec delay, rounded to the track's time base, is taken off */
    gint64 delay = (gint64) gst_util_uint64_scale_round (t->codec_delay,
        s->tb_den, (guint64) s->tb_num * 1000000000);

    s->start_pts = (gint64) ((gdouble) bt->first_timestamp /
        (t->timestamp_scale < 0.01 ? 1.0 : t->timestamp_scale)) - delay;
  }

  if (type == KVS_MEDIA_VIDEO) {
    s->width = s->coded_width = t->pixel_width;
    s->height = s->coded_height = t->pixel_height;
    s->refs = 1;
    /* H.264's and HEVC's come from their SPS */
    s->has_b_frames = 0;
    if (g_strcmp0 (s->codec_name, "vp8") == 0 ||
        g_strcmp0 (s->codec_name, "vp9") == 0)
      s->level = -99;
    read_codec_private (s, t);
    read_first_frame (s, bt);
    sar_num = s->sar_num;
    sar_den = s->sar_den;
    set_video (s, t);
    if (s->sar_num == 0) {
      s->sar_num = sar_num;
      s->sar_den = sar_den;
    }
    set_frame_rate (s, t, bt, st->timestamp_scale / 1e9);
  } else if (type == KVS_MEDIA_AUDIO) {
    gdouble rate = t->out_sampling_frequency > 0 ?
        t->out_sampling_frequency : t->sampling_frequency;

    s->sample_rate = (gint64) rate;
    s->channels = t->channels;
    s->channel_layout = NULL;
    if (g_strcmp0 (s->codec_name, "mp3") == 0 ||
        g_strcmp0 (s->codec_name, "mp2") == 0 ||
        g_strcmp0 (s->codec_name, "mp1") == 0) {
      s->sample_fmt = g_strcmp0 (s->codec_name, "mp1") == 0 ? "s16p" : "fltp";
      s->channel_layout = mono_stereo (s->channels);
    }
    read_codec_private (s, t);
    set_pcm (s, t);
  }
  return s;
}

/* The packets of a stream FFmpeg reads before find_stream_info has what
 * it needs of it: an H.264 decoder that knows its reordering from the SPS
 * is done after two, one that does not after eight (it has to decode
 * seven frames to guess it); the others after one. */
static guint
packets_needed (const KvsMediaStream * s)
{
  if (g_strcmp0 (s->codec_name, "h264") == 0)
    return s->has_b_frames > 0 ? 2 : 8;
  return 1;
}

/* The MPEG audio parser's running average of the frames' bit rates, over
 * the frames read until every stream had what it needs (the blocks are
 * read in the file's order). */
static void
set_mpa_bit_rate (MkvState * st, KvsMediaStream ** streams,
    const TrackEntry ** tracks, guint n)
{
  guint64 stop = 0;
  guint i, j;

  for (i = 0; i < n; i++) {
    const BlockTrack *bt = find_blocks (st, tracks[i]->number);
    guint k = packets_needed (streams[i]);

    if (streams[i]->type != KVS_MEDIA_VIDEO &&
        streams[i]->type != KVS_MEDIA_AUDIO)
      continue;
    if (bt == NULL || bt->n_blocks < k)
      stop = G_MAXUINT64;       /* never satisfied: FFmpeg reads on */
    else
      stop = MAX (stop, bt->seq[k - 1]);
  }

  for (i = 0; i < n; i++) {
    const BlockTrack *bt = find_blocks (st, tracks[i]->number);
    gint64 avg = 0;

    if (!is_mpeg_audio (tracks[i]) || bt == NULL || bt->n_mpa == 0)
      continue;
    for (j = 0; j < bt->n_mpa && bt->mpa_seq[j] <= stop; j++)
      avg += ((gint64) bt->mpa_bit_rates[j] - avg) / (gint64) (j + 1);
    streams[i]->bit_rate = avg;
  }
}

static const gchar *const mkv_media_types[] = {
  "video/x-matroska", "video/x-matroska-3d", "audio/x-matroska",
  "video/webm", "audio/webm", NULL
};

static gboolean
mkv_finish (gpointer p, guint64 size, KvsMediaInfo * info, GError ** error)
{
  MkvState *st = p;
  KvsMediaStream **streams;
  const TrackEntry **tracks;
  gboolean known;
  guint i, n = 0;

  if (!st->have_ebml || !st->have_tracks) {
    g_set_error (error, KVS_PROBER_ERROR, KVS_PROBER_ERROR_NO_INFO,
        st->have_ebml ? "there is no track list (Tracks)" :
        "there is no EBML header");
    return FALSE;
  }

  streams = g_new0 (KvsMediaStream *, st->tracks->len);
  tracks = g_new0 (const TrackEntry *, st->tracks->len);
  for (i = 0; i < st->tracks->len; i++) {
    const TrackEntry *t = &g_array_index (st->tracks, TrackEntry, i);
    KvsMediaStream *s = add_track (st, info, t);

    if (s != NULL) {
      streams[n] = s;
      tracks[n++] = t;
    }
  }
  set_mpa_bit_rate (st, streams, tracks, n);
  g_free (streams);
  g_free (tracks);

  known = g_strcmp0 (st->doctype, "matroska") == 0 ||
      g_strcmp0 (st->doctype, "webm") == 0;
  info->format_name = "matroska,webm";
  info->format_long_name = "Matroska / WebM";
  info->muxer_name = g_strcmp0 (st->doctype, "webm") == 0 ? "webm" : "matroska";
  info->probe_score = known ? 100 : 50;
  info->size = size;
  for (i = 0; i < info->streams->len; i++) {
    KvsMediaStream *s = g_ptr_array_index (info->streams, i);
    gint64 us;

    if (s->start_pts == KVS_UNKNOWN || s->type == KVS_MEDIA_SUBTITLE)
      continue;
    us = gst_util_uint64_scale_round (ABS (s->start_pts),
        (guint64) s->tb_num * G_USEC_PER_SEC, s->tb_den);
    us = s->start_pts < 0 ? -us : us;
    if (info->start_time_us == KVS_UNKNOWN || us < info->start_time_us)
      info->start_time_us = us;
  }
  if (st->duration > 0.0) {
    info->duration_us = (gint64) (st->duration * st->timestamp_scale * 1000 /
        G_USEC_PER_SEC);
    if (info->duration_us > 0)
      info->bit_rate = (gint64) ((gdouble) size * 8.0 * G_USEC_PER_SEC /
          (gdouble) info->duration_us);
  }
  return TRUE;
}

const KvsProberClass kvs_mkv_prober = {
  "matroska",
  mkv_media_types,
  mkv_new_state,
  mkv_free_state,
  mkv_feed,
  mkv_finish,
};
