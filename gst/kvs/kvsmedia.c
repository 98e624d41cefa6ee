/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvsmedia.h"

#include <gst/gst.h>

#include <math.h>
#include <stdlib.h>

static void
stream_free (gpointer p)
{
  KvsMediaStream *s = p;

  g_free (s->profile);
  g_free (s);
}

KvsMediaInfo *
kvs_media_info_new (void)
{
  KvsMediaInfo *info = g_new0 (KvsMediaInfo, 1);

  info->streams = g_ptr_array_new_with_free_func (stream_free);
  info->probe_score = KVS_UNKNOWN;
  info->start_time_us = KVS_UNKNOWN;
  info->duration_us = KVS_UNKNOWN;
  info->bit_rate = KVS_UNKNOWN;
  return info;
}

void
kvs_media_info_free (KvsMediaInfo * info)
{
  if (info == NULL)
    return;
  g_ptr_array_unref (info->streams);
  g_free (info);
}

/**
 * kvs_media_info_add_stream:
 * @info: the file
 * @type: the stream's type
 *
 * Returns: (transfer none): a new stream at the end, every value unknown
 */
KvsMediaStream *
kvs_media_info_add_stream (KvsMediaInfo * info, KvsMediaType type)
{
  KvsMediaStream *s = g_new0 (KvsMediaStream, 1);

  s->type = type;
  s->level = s->start_pts = s->duration_ts = KVS_UNKNOWN;
  s->bit_rate = s->max_bit_rate = s->nb_frames = s->id = KVS_UNKNOWN;
  s->width = s->height = s->coded_width = s->coded_height = KVS_UNKNOWN;
  s->has_b_frames = s->refs = s->bits_per_raw_sample = KVS_UNKNOWN;
  s->rotation = KVS_UNKNOWN;
  s->sample_rate = s->channels = KVS_UNKNOWN;
  s->is_avc = -1;
  g_ptr_array_add (info->streams, s);
  return s;
}

/**
 * kvs_media_approximate:
 * @v: a positive number
 * @max: the largest numerator and denominator allowed
 * @num: (out): the numerator
 * @den: (out): the denominator
 *
 * The closest fraction to @v with terms up to @max, as FFmpeg's av_d2q
 * finds it: the continued fraction's convergents, and at the last step the
 * best semiconvergent if it is nearer.
 */
void
kvs_media_approximate (gdouble v, gint64 max, gint * num, gint * den)
{
  gint64 p0 = 0, q0 = 1, p1 = 1, q1 = 0;
  gdouble x = v;
  guint i;

  *num = 0;
  *den = 1;
  if (!(v > 0) || max < 1)
    return;
  for (i = 0; i < 64; i++) {
    gdouble a = floor (x);
    gint64 p2, q2;

    if (a > (gdouble) max)
      a = (gdouble) max;
    p2 = (gint64) a *p1 + p0;
    q2 = (gint64) a *q1 + q0;
    if (p2 > max || q2 > max) {
      gint64 k = p1 > 0 ? (max - p0) / p1 : max;

      if (q1 > 0)
        k = MIN (k, (max - q0) / q1);
      p2 = k * p1 + p0;
      q2 = k * q1 + q0;
      if (q1 == 0 || (q2 > 0 && fabs ((gdouble) p2 / q2 - v) <
              fabs ((gdouble) p1 / q1 - v))) {
        p1 = p2;
        q1 = q2;
      }
      break;
    }
    p0 = p1;
    q0 = q1;
    p1 = p2;
    q1 = q2;
    if (x - a < 1e-12 || fabs ((gdouble) p1 / q1 - v) < 1e-15 * v)
      break;
    x = 1.0 / (x - a);
  }
  if (q1 > 0) {
    *num = (gint) p1;
    *den = (gint) q1;
  }
}

/* FFmpeg's standard frame rates, in units of 1/(12 x 1001) frame/s */
static gint
std_frame_rate (guint i)
{
  static const gint high[] = { 80, 120, 240 };
  static const gint ntsc[] = { 24, 30, 60, 12, 15, 48 };

  if (i < 30 * 12)
    return (i + 1) * 1001;
  i -= 30 * 12;
  if (i < 30)
    return (i + 31) * 1001 * 12;
  i -= 30;
  if (i < 3)
    return high[i] * 1001 * 12;
  i -= 3;
  return i < G_N_ELEMENTS (ntsc) ? ntsc[i] * 1000 * 12 : 0;
}

/**
 * kvs_media_guess_frame_rate:
 * @frames: frame intervals seen
 * @span: the time they took, in @tb_num/@tb_den units
 * @num: (out): the frame rate's numerator, 0 if none
 * @den: (out): its denominator
 *
 * The average frame rate as avformat_find_stream_info guesses it when the
 * container does not say: the measured rate, rounded to a standard rate
 * (n/12, whole numbers up to 60, 80/120/240, and the NTSC x/1001 rates)
 * when one is within 1%.
 */
void
kvs_media_guess_frame_rate (gint64 frames, gint64 span, gint tb_num,
    gint tb_den, gint * num, gint * den)
{
  gdouble fps, best_error = 0.01;
  gint best = 0, std;
  guint i;

  *num = *den = 0;
  if (frames <= 0 || span <= 0 || tb_num <= 0 || tb_den <= 0)
    return;
  fps = (gdouble) frames *tb_den / ((gdouble) span * tb_num);
  for (i = 0; (std = std_frame_rate (i)) != 0; i++) {
    gdouble error = fabs (fps / (std / (12.0 * 1001.0)) - 1.0);

    if (error < best_error) {
      best_error = error;
      best = std;
    }
  }
  if (best != 0) {
    gst_util_fraction_multiply (best, 12 * 1001, 1, 1, num, den);
    return;
  }
  kvs_media_approximate (fps, 60000, num, den);
}

static gint
compare_pts (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * kvs_media_frame_rate_from_pts:
 * @pts: (inout): the presentation times of a video stream's first frames,
 *     in any order (sorted on return)
 * @n: how many
 * @num: (out): the frame rate's numerator, 0 if none
 * @den: (out): its denominator
 *
 * A container without a frame rate: the frame interval is the commonest gap
 * between consecutive times, averaged over the gaps close to it (rounded
 * timestamps alternate, 33 and 34 ms), then guessed as
 * kvs_media_guess_frame_rate() does.
 */
void
kvs_media_frame_rate_from_pts (gint64 * pts, guint n, gint tb_num,
    gint tb_den, gint * num, gint * den)
{
  gint64 mode = 0, sum = 0, frames = 0;
  guint i, j, best = 0;

  *num = *den = 0;
  if (n < 2)
    return;
  qsort (pts, n, sizeof (gint64), compare_pts);
  for (i = 1; i < n; i++) {
    gint64 d = pts[i] - pts[i - 1];
    guint count = 0;

    if (d <= 0)
      continue;
    for (j = 1; j < n; j++)
      if (pts[j] - pts[j - 1] == d)
        count++;
    if (count > best) {
      best = count;
      mode = d;
    }
  }
  if (mode == 0)
    return;
  for (i = 1; i < n; i++) {
    gint64 d = pts[i] - pts[i - 1];

    if (d > 0 && d * 10 >= mode * 9 && d * 10 <= mode * 11) {
      sum += d;
      frames++;
    }
  }
  kvs_media_guess_frame_rate (frames, sum, tb_num, tb_den, num, den);
}
