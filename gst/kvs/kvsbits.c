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

#include "kvsbits.h"

void
kvs_bits_init (KvsBits * b, const guint8 * data, gsize size, gboolean unescape)
{
  b->data = data;
  b->size = size;
  b->byte = 0;
  b->bit = 0;
  b->zeros = 0;
  b->unescape = unescape;
  b->overrun = FALSE;
}

/* at a byte boundary, step over an emulation prevention byte */
static void
skip_emulation (KvsBits * b)
{
  if (b->unescape && b->bit == 0 && b->zeros >= 2 && b->byte < b->size &&
      b->data[b->byte] == 0x03) {
    b->byte++;
    b->zeros = 0;
  }
}

static guint
read_bit (KvsBits * b)
{
  guint v;

  if (b->bit == 0)
    skip_emulation (b);
  if (b->byte >= b->size) {
    b->overrun = TRUE;
    return 0;
  }
  v = (b->data[b->byte] >> (7 - b->bit)) & 1;
  if (++b->bit == 8) {
    b->zeros = b->data[b->byte] == 0 ? b->zeros + 1 : 0;
    b->bit = 0;
    b->byte++;
  }
  return v;
}

guint32
kvs_bits_read (KvsBits * b, guint n)
{
  guint32 v = 0;

  g_return_val_if_fail (n <= 32, 0);
  while (n--)
    v = (v << 1) | read_bit (b);
  return v;
}

void
kvs_bits_skip (KvsBits * b, guint n)
{
  while (n--)
    read_bit (b);
}

guint32
kvs_bits_read_ue (KvsBits * b)
{
  guint zeros = 0;

  while (read_bit (b) == 0) {
    if (b->overrun || ++zeros > 31) {
      b->overrun = TRUE;
      return 0;
    }
  }
  if (zeros == 0)
    return 0;
  return ((1u << zeros) - 1) + kvs_bits_read (b, zeros);
}

gint32
kvs_bits_read_se (KvsBits * b)
{
  guint32 v = kvs_bits_read_ue (b);

  return (v & 1) ? (gint32) ((v + 1) / 2) : -(gint32) (v / 2);
}
