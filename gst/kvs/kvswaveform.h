/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __KVS_WAVEFORM_H__
#define __KVS_WAVEFORM_H__

#include <glib.h>

G_BEGIN_DECLS
/**
 * KvsWaveformMode:
 * @KVS_WAVEFORM_PEAK: keep the largest |sample| of each point, in
 *     ten-thousandths of full scale (the `kvs` document)
 * @KVS_WAVEFORM_MIN_MAX: keep the smallest and largest sample of each point,
 *     as 16-bit values (the audiowaveform document)
 */
    typedef enum
{
  KVS_WAVEFORM_PEAK,
  KVS_WAVEFORM_MIN_MAX,
} KvsWaveformMode;

/**
 * KvsSampleFormat:
 *
 * The interleaved sample formats the accumulator reads, in native
 * (little-endian) byte order.
 */
typedef enum
{
  KVS_SAMPLE_S16,
  KVS_SAMPLE_S32,
  KVS_SAMPLE_F32,
  KVS_SAMPLE_F64,
} KvsSampleFormat;

typedef struct _KvsWaveform KvsWaveform;

KvsWaveform *kvs_waveform_new (guint points, guint lanes,
    KvsWaveformMode mode, guint64 expected_frames);

void kvs_waveform_free (KvsWaveform * wf);

void kvs_waveform_push (KvsWaveform * wf, KvsSampleFormat format,
    const guint8 * data, guint64 frames, guint channels);

void kvs_waveform_push_planar (KvsWaveform * wf, KvsSampleFormat format,
    const guint8 * const *planes, guint64 frames, guint channels);

guint64 kvs_waveform_get_frames (const KvsWaveform * wf);

gboolean kvs_waveform_is_exact (const KvsWaveform * wf);

void kvs_waveform_get_peaks (const KvsWaveform * wf, guint lane,
    guint16 * peaks);

void kvs_waveform_get_min_max (const KvsWaveform * wf, guint lane,
    gint16 * min_max);

gsize kvs_waveform_get_memory_size (const KvsWaveform * wf);

G_END_DECLS
#endif /* __KVS_WAVEFORM_H__ */
