/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __KVS_SAMPLES_H__
#define __KVS_SAMPLES_H__

#include <glib.h>

G_BEGIN_DECLS
    void kvs_samples_min_max_s16 (const gint16 * d, gsize n, gsize stride,
    gdouble * lo, gdouble * hi);

void kvs_samples_min_max_s32 (const gint32 * d, gsize n, gsize stride,
    gdouble * lo, gdouble * hi);

void kvs_samples_min_max_f32 (const gfloat * d, gsize n, gsize stride,
    gdouble * lo, gdouble * hi);

void kvs_samples_min_max_f64 (const gdouble * d, gsize n, gsize stride,
    gdouble * lo, gdouble * hi);

G_END_DECLS
#endif /* __KVS_SAMPLES_H__ */
