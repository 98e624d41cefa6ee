/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __KVS_BITS_H__
#define __KVS_BITS_H__

#include <glib.h>

G_BEGIN_DECLS
/**
 * KvsBits:
 *
 * A big-endian bit reader over a codec header, with Exp-Golomb codes and
 * emulation prevention bytes (00 00 03) removed on the way. Reading past
 * the end yields zeros and sets @overrun, so that a parser can read a whole
 * header and check once.
 */
    typedef struct
{
  const guint8 *data;
  gsize size;
  gsize byte;
  guint bit;
  guint zeros;                  /* zero bytes just read, for 00 00 03 */
  gboolean unescape;
  gboolean overrun;
} KvsBits;

void kvs_bits_init (KvsBits * b, const guint8 * data, gsize size,
    gboolean unescape);

guint32 kvs_bits_read (KvsBits * b, guint n);

void kvs_bits_skip (KvsBits * b, guint n);

guint32 kvs_bits_read_ue (KvsBits * b);

gint32 kvs_bits_read_se (KvsBits * b);

G_END_DECLS
#endif /* __KVS_BITS_H__ */
