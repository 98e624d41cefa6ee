/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* What ffprobe 5.1 says of a byte stream, computed by the libraries
 * ffprobe is built on: libavformat opens and analyses the input
 * (avformat_open_input + avformat_find_stream_info over an AVIOContext
 * that reads through KvsAvInput), libavcodec opens each stream's decoder
 * as ffprobe does (without decoding: some values, like `refs`, `is_avc`
 * and the coded size, are the opened decoder's), and every value is taken
 * the way fftools/ffprobe.c's show_streams/show_format take it. Only the
 * fields the service documents are kept (kvsmedia.h). */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE             /* memmem */
#endif

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvsavprobe.h"

#include <gst/gst.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

GST_DEBUG_CATEGORY_STATIC (kvs_av_debug);
#define GST_CAT_DEFAULT kvs_av_debug

/* the file protocol's buffer, so that libavformat reads as it does for
 * ffprobe */
#define IO_BUFFER_SIZE 32768

/* the first picture is looked for in this many video packets, among at
 * most this many packets of all streams */
#define MAX_FIRST_FRAME_PACKETS 1000
#define MAX_FIRST_FRAME_READS 20000

GQuark
kvs_av_probe_error_quark (void)
{
  return g_quark_from_static_string ("kvs-av-probe-error-quark");
}

/* libavformat's and libavcodec's log goes to the debug log, not to
 * stderr: a demuxer's complaint about a damaged file is not the
 * application's to print */
static void
log_callback (void *avcl, int level, const char *fmt, va_list vl)
{
  GstDebugLevel gst_level;
  char line[1024];
  int print_prefix = 1;
  gsize len;

  if (level > AV_LOG_DEBUG)
    return;
  if (level <= AV_LOG_ERROR)
    gst_level = GST_LEVEL_INFO;
  else if (level <= AV_LOG_INFO)
    gst_level = GST_LEVEL_DEBUG;
  else
    gst_level = GST_LEVEL_LOG;
  if (gst_level > gst_debug_category_get_threshold (kvs_av_debug))
    return;

  /* libavutil formats the line, with its "[demuxer @ 0x…]" prefix */
  if (av_log_format_line2 (avcl, level, fmt, vl, line, sizeof (line),
          &print_prefix) < 0)
    return;
  len = strlen (line);
  if (len > 0 && line[len - 1] == '\n')
    line[len - 1] = '\0';
  GST_CAT_LEVEL_LOG (kvs_av_debug, gst_level, NULL, "%s", line);
}

static void
init_once (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (kvs_av_debug, "kvsav", 0,
        "libavformat and libavcodec, as kvsprobe uses them");
    av_log_set_callback (log_callback);
    g_once_init_leave (&done, 1);
  }
}

/* ---- reading ------------------------------------------------------------ */

typedef struct
{
  const KvsAvInput *input;
  gint64 pos;
  gboolean read_failed;
} Reader;

static int
reader_read (void *opaque, uint8_t * buf, int size)
{
  Reader *r = opaque;
  const KvsAvInput *in = r->input;
  gint n;

  if (in->size >= 0 && r->pos >= in->size)
    return AVERROR_EOF;
  if (in->size >= 0)
    size = (int) MIN ((gint64) size, in->size - r->pos);
  n = in->read (in->user_data, r->pos, buf, size);
  if (n < 0) {
    r->read_failed = TRUE;
    return AVERROR (EIO);
  }
  if (n == 0)
    return AVERROR_EOF;
  r->pos += n;
  return n;
}

static int64_t
reader_seek (void *opaque, int64_t offset, int whence)
{
  Reader *r = opaque;
  gint64 size = r->input->size, pos;

  switch (whence & ~AVSEEK_FORCE) {
    case AVSEEK_SIZE:
      return size >= 0 ? size : AVERROR (ENOSYS);
    case SEEK_SET:
      pos = offset;
      break;
    case SEEK_CUR:
      if (offset > G_MAXINT64 - r->pos)
        return AVERROR (EINVAL);
      pos = r->pos + offset;
      break;
    case SEEK_END:
      if (size < 0 || offset > G_MAXINT64 - size)
        return AVERROR (ENOSYS);
      pos = size + offset;
      break;
    default:
      return AVERROR (EINVAL);
  }
  if (pos < 0)
    return AVERROR (EINVAL);
  r->pos = pos;
  return pos;
}

static int
interrupt_cb (void *opaque)
{
  const KvsAvInput *in = opaque;

  return in->interrupted != NULL && in->interrupted (in->user_data);
}

/* A demuxer that names other files (a playlist's segments, a movie's
 * external data references, an image sequence) gets none: the input is
 * the bytes the element was given, and a crafted file must not make it
 * read the machine's files or the network. */
static int
io_open_refused (AVFormatContext * s, AVIOContext ** pb, const char *url,
    int flags, AVDictionary ** options)
{
  GST_INFO ("refusing to open \"%s\" named by the input", url);
  return AVERROR (EPERM);
}

/* ---- values, as ffprobe 5.1 takes them ---------------------------------- */

static KvsMediaType
media_type (enum AVMediaType t)
{
  switch (t) {
    case AVMEDIA_TYPE_VIDEO:
      return KVS_MEDIA_VIDEO;
    case AVMEDIA_TYPE_AUDIO:
      return KVS_MEDIA_AUDIO;
    case AVMEDIA_TYPE_DATA:
      return KVS_MEDIA_DATA;
    case AVMEDIA_TYPE_SUBTITLE:
      return KVS_MEDIA_SUBTITLE;
    case AVMEDIA_TYPE_ATTACHMENT:
      return KVS_MEDIA_ATTACHMENT;
    default:
      return KVS_MEDIA_UNKNOWN;
  }
}

static gchar *
dup_or_null (const gchar * s)
{
  return s != NULL ? g_strdup (s) : NULL;
}

/* ffprobe prints the exported private options of the decoder (the H.264
 * decoder's is_avc and nal_length_size); the documents keep is_avc */
static gchar *
exported_option (AVCodecContext * dec, const gchar * name)
{
  const AVOption *opt = NULL;

  if (dec == NULL || dec->codec->priv_class == NULL)
    return NULL;
  while ((opt = av_opt_next (dec->priv_data, opt)) != NULL) {
    uint8_t *str = NULL;
    gchar *ret;

    if (!(opt->flags & AV_OPT_FLAG_EXPORT) || strcmp (opt->name, name) != 0)
      continue;
    if (av_opt_get (dec->priv_data, opt->name, 0, &str) < 0)
      return NULL;
    ret = g_strdup ((const gchar *) str);
    av_free (str);
    return ret;
  }
  return NULL;
}

/* The rotation older ffprobe wrote as the `rotate` tag: the display
 * matrix's counter-clockwise angle, negated into clockwise degrees in
 * [0, 360), truncated to an integer as ffprobe 5.1 prints `rotation` */
static gint64
rotation (AVStream * st)
{
  size_t size = 0;
  const uint8_t *m =
      av_stream_get_side_data (st, AV_PKT_DATA_DISPLAYMATRIX, &size);
  double r;
  gint64 deg;

  if (m == NULL || size < 9 * sizeof (int32_t))
    return 0;
  r = av_display_rotation_get ((const int32_t *) m);
  if (isnan (r) || r < -1e6 || r > 1e6)
    return 0;
  deg = (gint64) r;
  deg = (-deg) % 360;
  return deg < 0 ? deg + 360 : deg;
}

static void
fill_stream (AVFormatContext * fmt, AVStream * st, AVCodecContext * dec,
    KvsMediaStream * s)
{
  AVCodecParameters *par = st->codecpar;
  const AVCodecDescriptor *cd = avcodec_descriptor_get (par->codec_id);
  const gchar *profile;

  if (cd != NULL) {
    s->codec_name = g_strdup (cd->name);
    s->codec_long_name = g_strdup (cd->long_name ? cd->long_name : "unknown");
  }
  profile = avcodec_profile_name (par->codec_id, par->profile);
  if (profile != NULL)
    s->profile = g_strdup (profile);
  else if (par->profile != FF_PROFILE_UNKNOWN)
    s->profile = g_strdup_printf ("%d", par->profile);
  s->codec_tag = par->codec_tag;

  switch (par->codec_type) {
    case AVMEDIA_TYPE_VIDEO:{
      AVRational sar = av_guess_sample_aspect_ratio (fmt, st, NULL);

      s->width = par->width;
      s->height = par->height;
      if (dec != NULL) {
        s->coded_width = dec->coded_width;
        s->coded_height = dec->coded_height;
        s->refs = dec->refs;
      }
      s->has_b_frames = par->video_delay;
      if (sar.num != 0) {
        s->sar_num = sar.num;
        s->sar_den = sar.den;
        av_reduce (&s->dar_num, &s->dar_den, (int64_t) par->width * sar.num,
            (int64_t) par->height * sar.den, 1024 * 1024);
      }
      s->pix_fmt = dup_or_null (av_get_pix_fmt_name (par->format));
      s->level = par->level;
      if (par->chroma_location != AVCHROMA_LOC_UNSPECIFIED)
        s->chroma_location =
            dup_or_null (av_chroma_location_name (par->chroma_location));
      s->rotation = rotation (st);
      break;
    }
    case AVMEDIA_TYPE_AUDIO:
      s->sample_fmt = dup_or_null (av_get_sample_fmt_name (par->format));
      s->sample_rate = par->sample_rate;
      s->channels = par->ch_layout.nb_channels;
      if (par->ch_layout.order != AV_CHANNEL_ORDER_UNSPEC) {
        char buf[128];

        if (av_channel_layout_describe (&par->ch_layout, buf, sizeof (buf)) >=
            0)
          s->channel_layout = g_strdup (buf);
      }
      break;
    case AVMEDIA_TYPE_SUBTITLE:
      if (par->width)
        s->width = par->width;
      if (par->height)
        s->height = par->height;
      break;
    default:
      break;
  }

  s->is_avc = exported_option (dec, "is_avc");

  s->r_num = st->r_frame_rate.num;
  s->r_den = st->r_frame_rate.den;
  s->avg_num = st->avg_frame_rate.num;
  s->avg_den = st->avg_frame_rate.den;
  s->tb_num = st->time_base.num;
  s->tb_den = st->time_base.den;
  if (st->start_time != AV_NOPTS_VALUE)
    s->start_pts = st->start_time;
  if (st->duration != AV_NOPTS_VALUE)
    s->duration_ts = st->duration;
  if (par->bit_rate > 0)
    s->bit_rate = par->bit_rate;
  if (dec != NULL && dec->rc_max_rate > 0)
    s->max_bit_rate = dec->rc_max_rate;
  if (dec != NULL && dec->bits_per_raw_sample > 0)
    s->bits_per_raw_sample = dec->bits_per_raw_sample;
  if (st->nb_frames != 0)
    s->nb_frames = st->nb_frames;

  /* codec_time_base, dropped by ffprobe 5.1: the decoder's time base as
   * older versions reported it, a frame's duration over the decoder's
   * ticks per frame (2 for H.264 and MPEG-2 video), or a sample's */
  if (par->codec_type == AVMEDIA_TYPE_VIDEO && st->avg_frame_rate.num > 0 &&
      st->avg_frame_rate.den > 0) {
    gint ticks = dec != NULL && dec->ticks_per_frame > 0 ?
        dec->ticks_per_frame : 1;

    /* the MPEG-2 decoder sets its 2 ticks from a sequence header, which
     * an opened decoder has not seen yet */
    if (par->codec_id == AV_CODEC_ID_MPEG2VIDEO)
      ticks = 2;

    av_reduce (&s->ctb_num, &s->ctb_den, st->avg_frame_rate.den,
        (int64_t) st->avg_frame_rate.num * ticks, G_MAXINT);
  } else if (par->codec_type == AVMEDIA_TYPE_AUDIO && par->sample_rate > 0) {
    s->ctb_num = 1;
    s->ctb_den = par->sample_rate;
  }
}

/* libavformat does not tell a Matroska file's DocType, which names its
 * muxer: it is the string the EBML header (the file's first bytes) holds,
 * as the Matroska demuxer's own probe looks for it */
static gboolean
is_webm (const KvsAvInput * input)
{
  guint8 head[64];
  gint n = input->read (input->user_data, 0, head, sizeof (head));

  /* binary bytes: the header has NULs before its DocType */
  return n > 0 && memmem (head, n, "webm", 4) != NULL;
}

/* FFmpeg's muxer for what the demuxer read: outMediainfo names the
 * written format as the transcoder that wrote it would */
static const gchar *
muxer_name (AVFormatContext * fmt, const KvsAvInput * input)
{
  const gchar *name = fmt->iformat->name;
  const AVOutputFormat *ofmt;
  gchar *first_name;

  if (strcmp (name, "mov,mp4,m4a,3gp,3g2,mj2") == 0) {
    AVDictionaryEntry *e = av_dict_get (fmt->metadata, "major_brand", NULL, 0);

    if (e != NULL && strncmp (e->value, "qt", 2) == 0)
      return "mov";
    if (e != NULL && strncmp (e->value, "3gp", 3) == 0)
      return "3gp";
    if (e != NULL && strncmp (e->value, "3g2", 3) == 0)
      return "3g2";
    return "mp4";
  }
  if (strcmp (name, "matroska,webm") == 0)
    return is_webm (input) ? "webm" : "matroska";
  if (strcmp (name, "aac") == 0)
    return "adts";

  /* else the demuxer's first name is its muxer's (mpegts, flv, mp3, wav …) */
  first_name = g_strndup (name, strcspn (name, ","));
  ofmt = av_guess_format (first_name, NULL, NULL);
  g_free (first_name);
  return ofmt ? ofmt->name : NULL;
}

/* ---- the probe ---------------------------------------------------------- */

static gboolean
fail (GError ** error, KvsAvProbeError code, int averr, const gchar * what)
{
  gchar buf[AV_ERROR_MAX_STRING_SIZE] = "";

  av_strerror (averr, buf, sizeof (buf));
  g_set_error (error, KVS_AV_PROBE_ERROR, code, "%s: %s", what, buf);
  return FALSE;
}

/* The table from libavformat's errors to the stages of KvsAvProbeError:
 * a failed read of the input is the input's, an interrupt is the caller's,
 * memory is nobody's, and anything else is the stage's own. */
static KvsAvProbeError
stage_error (const Reader * r, const KvsAvInput * in, int averr,
    KvsAvProbeError stage)
{
  if (interrupt_cb ((void *) in) || averr == AVERROR_EXIT)
    return KVS_AV_PROBE_ERROR_INTERRUPTED;
  if (r->read_failed)
    return KVS_AV_PROBE_ERROR_READ;
  if (averr == AVERROR (ENOMEM))
    return KVS_AV_PROBE_ERROR_FAILED;
  return stage;
}

/* An opened input: libavformat's context over our AVIOContext. */
typedef struct
{
  Reader reader;
  AVFormatContext *fmt;
  AVIOContext *pb;
} Opened;

static void
close_input (Opened * o)
{
  if (o->fmt != NULL) {
    o->fmt->pb = NULL;
    avformat_close_input (&o->fmt);
  }
  if (o->pb != NULL) {
    av_freep (&o->pb->buffer);
    avio_context_free (&o->pb);
  }
}

/* Opens @input as ffprobe (and ffmpeg) open a file: the format probe,
 * avformat_open_input with scan_all_pmts, avformat_find_stream_info. */
static gboolean
open_input (const KvsAvInput * input, Opened * o, GError ** error)
{
  const AVInputFormat *iformat = NULL;
  AVDictionary *opts = NULL;
  const gchar *url = input->url ? input->url : "";
  guint8 *iobuf;
  int score, err;

  init_once ();
  memset (o, 0, sizeof (*o));
  o->reader.input = input;

  if (input->size == 0) {
    g_set_error (error, KVS_AV_PROBE_ERROR, KVS_AV_PROBE_ERROR_EMPTY,
        "the input is empty");
    return FALSE;
  }

  iobuf = av_malloc (IO_BUFFER_SIZE);
  if (iobuf == NULL)
    return fail (error, KVS_AV_PROBE_ERROR_FAILED, AVERROR (ENOMEM), "alloc");
  o->pb = avio_alloc_context (iobuf, IO_BUFFER_SIZE, 0, &o->reader,
      reader_read, NULL, reader_seek);
  o->fmt = avformat_alloc_context ();
  if (o->pb == NULL || o->fmt == NULL) {
    if (o->pb == NULL)
      av_free (iobuf);
    fail (error, KVS_AV_PROBE_ERROR_FAILED, AVERROR (ENOMEM), "alloc");
    goto failed;
  }
  o->fmt->pb = o->pb;
  o->fmt->interrupt_callback.callback = interrupt_cb;
  o->fmt->interrupt_callback.opaque = (void *) input;
  o->fmt->io_open = io_open_refused;

  /* the format probe, as avformat_open_input makes it, apart: a stream no
   * demuxer recognises is told from one whose headers are damaged */
  score = av_probe_input_buffer2 (o->pb, &iformat, url, o->fmt, 0, 0);
  if (score < 0) {
    fail (error, stage_error (&o->reader, input, score,
            score == AVERROR_EOF ? KVS_AV_PROBE_ERROR_EMPTY :
            KVS_AV_PROBE_ERROR_FORMAT), score, "no demuxer recognises it");
    goto failed;
  }
  GST_DEBUG ("format %s, probe score %d", iformat->name, score);

  av_dict_set (&opts, "scan_all_pmts", "1", 0);
  err = avformat_open_input (&o->fmt, url, iformat, &opts);
  av_dict_free (&opts);
  if (err < 0) {
    /* avformat_open_input freed the context, not the custom I/O */
    o->fmt = NULL;
    fail (error, stage_error (&o->reader, input, err,
            KVS_AV_PROBE_ERROR_HEADERS), err, iformat->name);
    goto failed;
  }
  o->fmt->probe_score = score;

  err = avformat_find_stream_info (o->fmt, NULL);
  if (err < 0) {
    fail (error, stage_error (&o->reader, input, err,
            KVS_AV_PROBE_ERROR_HEADERS), err, "stream parameters");
    goto failed;
  }
  return TRUE;

failed:
  close_input (o);
  return FALSE;
}

/**
 * kvs_av_read_fd:
 * @fd: a file open for reading
 * @offset: where to read
 * @buf: where to put what is read
 * @size: at most this many bytes
 *
 * The #KvsAvInput read of a local file, for callbacks that hold one.
 *
 * Returns: the bytes read, 0 at the end, -1 on an error
 */
gint
kvs_av_read_fd (gint fd, guint64 offset, guint8 * buf, gint size)
{
  gssize n;

  do {
    n = pread (fd, buf, size, (off_t) offset);
  } while (n < 0 && errno == EINTR);
  return n < 0 ? -1 : (gint) n;
}

/**
 * kvs_av_probe:
 * @input: the bytes
 * @info: filled with what ffprobe would print
 * @error: where a failure goes, in %KVS_AV_PROBE_ERROR
 *
 * Opens @input with libavformat and analyses it as ffprobe 5.1 does
 * (`scan_all_pmts` on, the default probe and analysis sizes), then opens
 * each stream's decoder as ffprobe does.
 *
 * Returns: whether @info was filled; FALSE where ffprobe refuses the file
 */
gboolean
kvs_av_probe (const KvsAvInput * input, KvsMediaInfo * info, GError ** error)
{
  Opened o;
  AVFormatContext *fmt;
  AVCodecContext **decs = NULL;
  gboolean ret = FALSE;
  int err;
  guint i;

  if (!open_input (input, &o, error))
    return FALSE;
  fmt = o.fmt;

  /* bind a decoder to each stream, as ffprobe does; one that cannot be
   * opened is a file ffprobe gives up on */
  decs = g_new0 (AVCodecContext *, fmt->nb_streams);
  for (i = 0; i < fmt->nb_streams; i++) {
    AVStream *st = fmt->streams[i];
    const AVCodec *codec;

    if (st->codecpar->codec_id == AV_CODEC_ID_PROBE)
      continue;
    codec = avcodec_find_decoder (st->codecpar->codec_id);
    if (codec == NULL)
      continue;
    decs[i] = avcodec_alloc_context3 (codec);
    if (decs[i] == NULL) {
      fail (error, KVS_AV_PROBE_ERROR_FAILED, AVERROR (ENOMEM), "alloc");
      goto done;
    }
    err = avcodec_parameters_to_context (decs[i], st->codecpar);
    if (err >= 0) {
      decs[i]->pkt_timebase = st->time_base;
      err = avcodec_open2 (decs[i], codec, NULL);
    }
    if (err < 0) {
      g_set_error (error, KVS_AV_PROBE_ERROR,
          stage_error (&o.reader, input, err, KVS_AV_PROBE_ERROR_CODEC),
          "stream %u: the %s decoder cannot be opened", i, codec->name);
      goto done;
    }
  }

  for (i = 0; i < fmt->nb_streams; i++) {
    AVStream *st = fmt->streams[i];
    KvsMediaStream *s = kvs_media_info_add_stream (info,
        media_type (st->codecpar->codec_type));

    fill_stream (fmt, st, decs[i], s);
  }
  info->format_name = g_strdup (fmt->iformat->name);
  info->format_long_name = dup_or_null (fmt->iformat->long_name);
  info->muxer_name = muxer_name (fmt, input);
  info->probe_score = fmt->probe_score;
  info->size = avio_size (fmt->pb);
  if (info->size < 0)
    info->size = KVS_UNKNOWN;
  if (fmt->start_time != AV_NOPTS_VALUE)
    info->start_time_us = fmt->start_time;
  if (fmt->duration != AV_NOPTS_VALUE)
    info->duration_us = fmt->duration;
  if (fmt->bit_rate > 0)
    info->bit_rate = fmt->bit_rate;
  ret = TRUE;

done:
  if (decs != NULL) {
    for (i = 0; i < fmt->nb_streams; i++)
      avcodec_free_context (&decs[i]);
    g_free (decs);
  }
  close_input (&o);
  return ret;
}

/* ---- the timeline ------------------------------------------------------- */

static gboolean
first_frame (AVFormatContext * fmt, int idx, gint64 * pts_us)
{
  AVStream *st = fmt->streams[idx];
  const AVCodec *codec = avcodec_find_decoder (st->codecpar->codec_id);
  AVCodecContext *dec = NULL;
  AVPacket *pkt = av_packet_alloc ();
  AVFrame *frame = av_frame_alloc ();
  gboolean found = FALSE, eof = FALSE;
  guint packets = 0, reads = 0;

  if (codec == NULL || pkt == NULL || frame == NULL)
    goto done;
  dec = avcodec_alloc_context3 (codec);
  if (dec == NULL || avcodec_parameters_to_context (dec, st->codecpar) < 0)
    goto done;
  dec->pkt_timebase = st->time_base;
  /* the first picture sooner: frame threads hold it back */
  dec->thread_count = 1;
  if (avcodec_open2 (dec, codec, NULL) < 0)
    goto done;

  while (!found && packets < MAX_FIRST_FRAME_PACKETS &&
      reads < MAX_FIRST_FRAME_READS) {
    int err;

    if (!eof) {
      err = av_read_frame (fmt, pkt);
      reads++;
      if (err < 0) {
        eof = TRUE;
        err = avcodec_send_packet (dec, NULL);
      } else if (pkt->stream_index != idx) {
        av_packet_unref (pkt);
        continue;
      } else {
        packets++;
        err = avcodec_send_packet (dec, pkt);
        av_packet_unref (pkt);
      }
      if (err < 0 && err != AVERROR (EAGAIN) && err != AVERROR_INVALIDDATA)
        break;
    }
    err = avcodec_receive_frame (dec, frame);
    if (err == 0) {
      if (frame->best_effort_timestamp != AV_NOPTS_VALUE) {
        *pts_us = av_rescale_q (frame->best_effort_timestamp, st->time_base,
            AV_TIME_BASE_Q);
        found = TRUE;
      }
      av_frame_unref (frame);
    } else if (err == AVERROR_EOF || (eof && err == AVERROR (EAGAIN))) {
      break;
    }
  }

done:
  avcodec_free_context (&dec);
  av_frame_free (&frame);
  av_packet_free (&pkt);
  return found;
}

/**
 * kvs_av_timeline:
 * @input: the bytes
 * @timeline: filled with ffmpeg's timeline of @input
 * @error: where a failure goes, in %KVS_AV_PROBE_ERROR
 *
 * What ffmpeg's `-ss` counts from: the file's start (the format's
 * start_time: its streams' earliest timestamp, edit lists applied), its
 * duration, and the timestamp of the first picture its video decoder
 * gives (decoding from the file's start, as ffmpeg does).
 *
 * Returns: whether @timeline was filled (FALSE without a video stream)
 */
gboolean
kvs_av_timeline (const KvsAvInput * input, KvsAvTimeline * timeline,
    GError ** error)
{
  Opened o;
  int idx;
  gboolean ret = FALSE;

  if (!open_input (input, &o, error))
    return FALSE;

  timeline->start_us = o.fmt->start_time != AV_NOPTS_VALUE ?
      o.fmt->start_time : 0;
  timeline->duration_us = o.fmt->duration != AV_NOPTS_VALUE ?
      o.fmt->duration : -1;
  idx = av_find_best_stream (o.fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
  if (idx < 0) {
    g_set_error (error, KVS_AV_PROBE_ERROR, KVS_AV_PROBE_ERROR_CODEC,
        "no video stream");
  } else if (!first_frame (o.fmt, idx, &timeline->first_frame_us)) {
    g_set_error (error, KVS_AV_PROBE_ERROR,
        stage_error (&o.reader, input, 0, KVS_AV_PROBE_ERROR_CODEC),
        "no picture decoded");
  } else {
    GST_DEBUG ("start %" G_GINT64_FORMAT " us, first picture at %"
        G_GINT64_FORMAT " us, duration %" G_GINT64_FORMAT " us",
        timeline->start_us, timeline->first_frame_us, timeline->duration_us);
    ret = TRUE;
  }
  close_input (&o);
  return ret;
}
