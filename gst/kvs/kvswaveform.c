/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* A streaming waveform accumulator whose memory does not grow with the
 * stream.
 *
 * The waveform has N points; with S frames in all, point i covers frames
 * floor(i*S/N) .. floor((i+1)*S/N)-1. S is only known at the end, so two
 * accumulations run side by side:
 *
 * - Sub-bins: K = 32*N bins of w frames each (w a power of two, starting at
 *   1). When all K are full, neighbours are merged pairwise and w doubles.
 *   At the end each sub-bin is given to the point that contains its middle
 *   frame, so a point's window is off by at most w/2 frames at each edge.
 *   A merge happens only once K*w frames were seen, hence w <= 2*S/K and
 *   w/2 <= S/(32*N): at most 1/32 of a point's width. While S <= K, w is 1
 *   and the result is exact.
 *
 * - Exact bins: when the caller knows S in advance, N bins laid out on that
 *   S. If the stream indeed had that many frames, they are the exact result.
 *
 * Peaks are kept in ten-thousandths of full scale, rounded half up: the
 * documents write them with 4 decimals, and since rounding keeps order, the
 * largest rounded value is the rounded largest value.
 *
 * Memory: (K + N) bins per lane: 2 bytes each (a peak) or 4 (a 16-bit
 * minimum and maximum); at N = 4095, 270 KB or 540 KB. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvswaveform.h"
#include "kvssamples.h"

#include <math.h>
#include <string.h>

#define SUB_BINS_PER_POINT 32

typedef struct
{
  /* KVS_WAVEFORM_PEAK: one guint16 per bin, ten-thousandths of full scale;
   * KVS_WAVEFORM_MIN_MAX: two gint16 per bin, minimum then maximum (an
   * empty bin has minimum > maximum) */
  gpointer sub;
  gpointer exact;
} Lane;

struct _KvsWaveform
{
  guint points;
  guint n_lanes;
  KvsWaveformMode mode;
  Lane *lanes;

  /* sub-bins */
  guint64 n_sub;                /* capacity K */
  guint64 width;                /* frames per sub-bin */
  guint64 sub_index;            /* current sub-bin */
  guint64 sub_fill;             /* frames in the current sub-bin */

  /* exact bins, laid out on expected_frames (0: none) */
  guint64 expected;
  guint exact_index;
  guint64 exact_end;            /* first frame after the current exact bin */

  guint64 frames;
};

static guint64
point_start (guint64 i, guint64 total, guint points)
{
  return i * total / points;
}

static void
bins_clear (KvsWaveformMode mode, gpointer bins, guint64 n)
{
  guint64 i;

  if (mode == KVS_WAVEFORM_PEAK) {
    memset (bins, 0, n * sizeof (guint16));
  } else {
    gint16 *mm = bins;

    for (i = 0; i < n; i++) {
      mm[2 * i] = G_MAXINT16;
      mm[2 * i + 1] = G_MININT16;
    }
  }
}

static gsize
bin_size (KvsWaveformMode mode)
{
  return mode == KVS_WAVEFORM_PEAK ? sizeof (guint16) : 2 * sizeof (gint16);
}

static void
exact_advance (KvsWaveform * wf)
{
  /* skip empty points (more points than frames) */
  while (wf->exact_index < wf->points && wf->frames >= wf->exact_end) {
    wf->exact_index++;
    wf->exact_end = point_start (wf->exact_index + 1, wf->expected, wf->points);
  }
}

/**
 * kvs_waveform_new:
 * @points: N, the number of points (at least 1)
 * @lanes: 1 to merge all channels, or the channel count to keep each apart
 * @mode: what each point keeps
 * @expected_frames: S when known in advance, or 0
 *
 * Returns: (transfer full): a new accumulator
 */
KvsWaveform *
kvs_waveform_new (guint points, guint lanes, KvsWaveformMode mode,
    guint64 expected_frames)
{
  KvsWaveform *wf;
  guint l;

  g_return_val_if_fail (points > 0, NULL);
  g_return_val_if_fail (lanes > 0, NULL);

  wf = g_new0 (KvsWaveform, 1);
  wf->points = points;
  wf->n_lanes = lanes;
  wf->mode = mode;
  wf->n_sub = (guint64) SUB_BINS_PER_POINT *points;
  wf->width = 1;
  wf->expected = expected_frames;
  wf->lanes = g_new0 (Lane, lanes);

  for (l = 0; l < lanes; l++) {
    wf->lanes[l].sub = g_malloc (wf->n_sub * bin_size (mode));
    bins_clear (mode, wf->lanes[l].sub, wf->n_sub);
    if (expected_frames > 0) {
      wf->lanes[l].exact = g_malloc (points * bin_size (mode));
      bins_clear (mode, wf->lanes[l].exact, points);
    }
  }

  if (expected_frames > 0) {
    wf->exact_end = point_start (1, expected_frames, points);
    exact_advance (wf);
  }

  return wf;
}

void
kvs_waveform_free (KvsWaveform * wf)
{
  guint l;

  if (wf == NULL)
    return;

  for (l = 0; l < wf->n_lanes; l++) {
    g_free (wf->lanes[l].sub);
    g_free (wf->lanes[l].exact);
  }
  g_free (wf->lanes);
  g_free (wf);
}

static void
chunk_min_max (KvsSampleFormat format, const guint8 * data, gsize n,
    gsize stride, gdouble * lo, gdouble * hi)
{
  switch (format) {
    case KVS_SAMPLE_S16:
      kvs_samples_min_max_s16 ((const gint16 *) data, n, stride, lo, hi);
      break;
    case KVS_SAMPLE_S32:
      kvs_samples_min_max_s32 ((const gint32 *) data, n, stride, lo, hi);
      break;
    case KVS_SAMPLE_F32:
      kvs_samples_min_max_f32 ((const gfloat *) data, n, stride, lo, hi);
      break;
    case KVS_SAMPLE_F64:
    default:
      kvs_samples_min_max_f64 ((const gdouble *) data, n, stride, lo, hi);
      break;
  }
}

static gsize
sample_size (KvsSampleFormat format)
{
  switch (format) {
    case KVS_SAMPLE_S16:
      return 2;
    case KVS_SAMPLE_S32:
    case KVS_SAMPLE_F32:
      return 4;
    case KVS_SAMPLE_F64:
    default:
      return 8;
  }
}

/* Full scale of a format: the magnitude that counts as 1.0 */
static gdouble
full_scale (KvsSampleFormat format)
{
  switch (format) {
    case KVS_SAMPLE_S16:
      return 32768.0;
    case KVS_SAMPLE_S32:
      return 2147483648.0;
    default:
      return 1.0;
  }
}

/* A sample as a 16-bit value, as audiowaveform reads it: integer formats
 * keep their top 16 bits, float formats are scaled by 32767 and truncated
 * toward zero (and clipped, where audiowaveform overflows). */
static gint16
to_s16 (KvsSampleFormat format, gdouble v)
{
  gdouble q;

  switch (format) {
    case KVS_SAMPLE_S16:
      return (gint16) v;
    case KVS_SAMPLE_S32:
      return (gint16) floor (v / 65536.0);
    default:
      if (isnan (v))
        return 0;
      q = trunc (v * 32767.0);
      return (gint16) CLAMP (q, G_MININT16, G_MAXINT16);
  }
}

typedef struct
{
  guint16 peak;
  gint16 min, max;
} Value;

static void
value_from_chunk (KvsWaveformMode mode, KvsSampleFormat format,
    gdouble lo, gdouble hi, Value * v)
{
  if (mode == KVS_WAVEFORM_PEAK) {
    gdouble p = MAX (-lo, hi) / full_scale (format);

    v->peak = (guint16) (isnan (p) ? 0 : floor (CLAMP (p, 0.0, 1.0) * 10000.0
            + 0.5));
  } else {
    v->min = to_s16 (format, lo);
    v->max = to_s16 (format, hi);
  }
}

static void
bin_merge_value (KvsWaveformMode mode, gpointer bins, guint64 i,
    const Value * v)
{
  if (mode == KVS_WAVEFORM_PEAK) {
    guint16 *p = bins;

    p[i] = MAX (p[i], v->peak);
  } else {
    gint16 *mm = bins;

    mm[2 * i] = MIN (mm[2 * i], v->min);
    mm[2 * i + 1] = MAX (mm[2 * i + 1], v->max);
  }
}

static void
bin_merge_bin (KvsWaveformMode mode, gpointer bins, guint64 dst,
    gconstpointer src_bins, guint64 src)
{
  if (mode == KVS_WAVEFORM_PEAK) {
    guint16 *d = bins;
    const guint16 *s = src_bins;

    d[dst] = MAX (d[dst], s[src]);
  } else {
    gint16 *d = bins;
    const gint16 *s = src_bins;

    d[2 * dst] = MIN (d[2 * dst], s[2 * src]);
    d[2 * dst + 1] = MAX (d[2 * dst + 1], s[2 * src + 1]);
  }
}

/* All K sub-bins are full: merge neighbours, double the width. */
static void
sub_compact (KvsWaveform * wf)
{
  guint64 half = wf->n_sub / 2, i;
  guint l;

  for (l = 0; l < wf->n_lanes; l++) {
    gpointer sub = wf->lanes[l].sub;
    gsize bs = bin_size (wf->mode);

    for (i = 0; i < half; i++) {
      memcpy ((guint8 *) sub + i * bs, (guint8 *) sub + 2 * i * bs, bs);
      bin_merge_bin (wf->mode, sub, i, sub, 2 * i + 1);
    }
    bins_clear (wf->mode, (guint8 *) sub + half * bs, wf->n_sub - half);
  }

  wf->width *= 2;
  wf->sub_index = half;
  wf->sub_fill = 0;
}

/* Smallest and largest sample of lane @l over @n frames from frame @at. */
static void
lane_min_max (const KvsWaveform * wf, KvsSampleFormat format,
    const guint8 * const *planes, gboolean planar, guint channels, guint l,
    guint64 at, guint64 n, gdouble * lo, gdouble * hi)
{
  gsize ss = sample_size (format);
  guint c;

  if (!planar) {
    const guint8 *d = planes[0] + at * ss * channels;

    if (wf->n_lanes == 1)
      chunk_min_max (format, d, n * channels, 1, lo, hi);
    else
      chunk_min_max (format, d + l * ss, n, channels, lo, hi);
  } else if (wf->n_lanes == 1) {
    chunk_min_max (format, planes[0] + at * ss, n, 1, lo, hi);
    for (c = 1; c < channels; c++) {
      gdouble clo, chi;

      chunk_min_max (format, planes[c] + at * ss, n, 1, &clo, &chi);
      *lo = MIN (*lo, clo);
      *hi = MAX (*hi, chi);
    }
  } else {
    chunk_min_max (format, planes[l] + at * ss, n, 1, lo, hi);
  }
}

static void
push (KvsWaveform * wf, KvsSampleFormat format, const guint8 * const *planes,
    gboolean planar, guint64 frames, guint channels)
{
  guint64 done = 0;

  g_return_if_fail (wf->n_lanes == 1 || wf->n_lanes == channels);

  while (done < frames) {
    guint64 n;
    guint l;

    /* merge only when more frames come, so that a stream of exactly K
     * frames stays exact */
    if (wf->sub_index == wf->n_sub)
      sub_compact (wf);

    n = MIN (frames - done, wf->width - wf->sub_fill);
    if (wf->expected > 0 && wf->exact_index < wf->points)
      n = MIN (n, wf->exact_end - wf->frames);

    for (l = 0; l < wf->n_lanes; l++) {
      gdouble lo, hi;
      Value v;

      lane_min_max (wf, format, planes, planar, channels, l, done, n, &lo, &hi);
      value_from_chunk (wf->mode, format, lo, hi, &v);
      bin_merge_value (wf->mode, wf->lanes[l].sub, wf->sub_index, &v);
      if (wf->expected > 0 && wf->exact_index < wf->points)
        bin_merge_value (wf->mode, wf->lanes[l].exact, wf->exact_index, &v);
    }

    done += n;
    wf->frames += n;

    wf->sub_fill += n;
    if (wf->sub_fill == wf->width) {
      wf->sub_index++;
      wf->sub_fill = 0;
    }

    if (wf->expected > 0)
      exact_advance (wf);
  }
}

/**
 * kvs_waveform_push:
 * @wf: the accumulator
 * @format: the sample format of @data
 * @data: @frames interleaved frames of @channels samples
 * @frames: the number of frames
 * @channels: samples per frame; equal to the lane count unless there is
 *     one lane
 *
 * Adds @frames interleaved frames to the waveform.
 */
void
kvs_waveform_push (KvsWaveform * wf, KvsSampleFormat format,
    const guint8 * data, guint64 frames, guint channels)
{
  push (wf, format, &data, FALSE, frames, channels);
}

/**
 * kvs_waveform_push_planar:
 * @wf: the accumulator
 * @format: the sample format of @planes
 * @planes: (array length=channels): one plane of @frames samples per
 *     channel
 * @frames: the number of frames
 * @channels: the number of planes; equal to the lane count unless there is
 *     one lane
 *
 * Adds @frames non-interleaved frames to the waveform.
 */
void
kvs_waveform_push_planar (KvsWaveform * wf, KvsSampleFormat format,
    const guint8 * const *planes, guint64 frames, guint channels)
{
  push (wf, format, planes, TRUE, frames, channels);
}

guint64
kvs_waveform_get_frames (const KvsWaveform * wf)
{
  return wf->frames;
}

/**
 * kvs_waveform_is_exact:
 * @wf: the accumulator
 *
 * Returns: %TRUE if the result follows the definition exactly: either the
 *     expected frame count was right, or there were at most 32*N frames
 */
gboolean
kvs_waveform_is_exact (const KvsWaveform * wf)
{
  return (wf->expected > 0 && wf->expected == wf->frames) || wf->width == 1;
}

/* Fills @out (N bins, cleared) with lane @lane's points. */
static void
collect (const KvsWaveform * wf, guint lane, gpointer out)
{
  const Lane *ln = &wf->lanes[lane];
  guint64 total = wf->frames, n_used, j;

  bins_clear (wf->mode, out, wf->points);
  if (total == 0)
    return;

  if (wf->expected > 0 && wf->expected == total) {
    memcpy (out, ln->exact, wf->points * bin_size (wf->mode));
    return;
  }

  n_used = wf->sub_index + (wf->sub_fill > 0 ? 1 : 0);
  for (j = 0; j < n_used; j++) {
    guint64 start = j * wf->width;
    guint64 end = MIN (start + wf->width, total);
    guint64 mid = start + (end - start) / 2;
    /* the last point whose first frame is <= mid */
    guint64 i = ((mid + 1) * wf->points + total - 1) / total - 1;

    bin_merge_bin (wf->mode, out, MIN (i, wf->points - 1), ln->sub, j);
  }
}

/**
 * kvs_waveform_get_peaks:
 * @wf: an accumulator in %KVS_WAVEFORM_PEAK mode
 * @lane: the lane
 * @peaks: (out caller-allocates) (array): N values from 0 to 10000,
 *     ten-thousandths of full scale
 */
void
kvs_waveform_get_peaks (const KvsWaveform * wf, guint lane, guint16 * peaks)
{
  g_return_if_fail (wf->mode == KVS_WAVEFORM_PEAK);
  g_return_if_fail (lane < wf->n_lanes);

  collect (wf, lane, peaks);
}

/**
 * kvs_waveform_get_min_max:
 * @wf: an accumulator in %KVS_WAVEFORM_MIN_MAX mode
 * @lane: the lane
 * @min_max: (out caller-allocates) (array): 2*N values, minimum then
 *     maximum of each point; an empty point gives 0, 0
 */
void
kvs_waveform_get_min_max (const KvsWaveform * wf, guint lane, gint16 * min_max)
{
  guint i;

  g_return_if_fail (wf->mode == KVS_WAVEFORM_MIN_MAX);
  g_return_if_fail (lane < wf->n_lanes);

  collect (wf, lane, min_max);
  for (i = 0; i < wf->points; i++) {
    if (min_max[2 * i] > min_max[2 * i + 1])
      min_max[2 * i] = min_max[2 * i + 1] = 0;
  }
}

/**
 * kvs_waveform_get_memory_size:
 * @wf: the accumulator
 *
 * Returns: the bytes @wf holds; fixed at creation, whatever the stream's
 *     length
 */
gsize
kvs_waveform_get_memory_size (const KvsWaveform * wf)
{
  gsize per_lane = wf->n_sub * bin_size (wf->mode);

  if (wf->expected > 0)
    per_lane += wf->points * bin_size (wf->mode);

  return sizeof (KvsWaveform) + wf->n_lanes * (sizeof (Lane) + per_lane);
}
