/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The sample kernels: the smallest and largest of n samples, stride apart.
 * They are the waveform's hot path (every sample passes here once), so
 * they are written for the compiler to vectorise, and this file alone is
 * built with -O3 -ffinite-math-only -fno-signed-zeros, which lets the float
 * loops become SIMD minimum/maximum instructions. Under those flags a NaN
 * sample gives an unspecified result; the caller reads a NaN result as
 * silence, so NaN never reaches a document. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvssamples.h"

/* On x86-64, GCC builds each kernel twice, for AVX2 and for the baseline,
 * and picks one at load time. */
#if defined(__GNUC__) && defined(__x86_64__) && defined(__linux__)
#define KVS_KERNEL __attribute__ ((target_clones ("avx2", "default")))
#else
#define KVS_KERNEL
#endif

#define DEFINE_MIN_MAX(name, type)                                          \
KVS_KERNEL void                                                             \
name (const type * d, gsize n, gsize stride, gdouble * lo, gdouble * hi)    \
{                                                                           \
  type mn = d[0], mx = d[0];                                                \
  gsize i;                                                                  \
                                                                            \
  if (stride == 1) {                                                        \
    for (i = 1; i < n; i++) {                                               \
      type v = d[i];                                                        \
      mn = v < mn ? v : mn;                                                 \
      mx = v > mx ? v : mx;                                                 \
    }                                                                       \
  } else {                                                                  \
    for (i = 1; i < n; i++) {                                               \
      type v = d[i * stride];                                               \
      mn = v < mn ? v : mn;                                                 \
      mx = v > mx ? v : mx;                                                 \
    }                                                                       \
  }                                                                         \
  *lo = mn;                                                                 \
  *hi = mx;                                                                 \
}

DEFINE_MIN_MAX (kvs_samples_min_max_s16, gint16);
DEFINE_MIN_MAX (kvs_samples_min_max_s32, gint32);
DEFINE_MIN_MAX (kvs_samples_min_max_f32, gfloat);
DEFINE_MIN_MAX (kvs_samples_min_max_f64, gdouble);
