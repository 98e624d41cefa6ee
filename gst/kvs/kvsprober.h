/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __KVS_PROBER_H__
#define __KVS_PROBER_H__

#include <gst/gst.h>

#include "kvsmedia.h"

G_BEGIN_DECLS
#define KVS_PROBER_DONE G_MAXUINT64
#define KVS_PROBER_ERROR (kvs_prober_error_quark ())
    GQuark kvs_prober_error_quark (void);

/**
 * KvsProberError:
 * @KVS_PROBER_ERROR_NO_INFO: the stream ended before its headers did, or
 *     they are missing (an mp4 without its movie box)
 * @KVS_PROBER_ERROR_CODEC: a stream's codec is not one the prober knows
 */
typedef enum
{
  KVS_PROBER_ERROR_NO_INFO,
  KVS_PROBER_ERROR_CODEC,
} KvsProberError;

/**
 * KvsProberClass:
 * @name: the container, for the debug log
 * @media_types: the typefinder's media types it reads, NULL-terminated
 * @new_state: a new probe of one stream; @random_access: the reader can
 *     jump (a file read by its index) rather than see every byte pass
 * @free_state: frees what @new_state made
 * @feed: takes @size bytes found at @offset (the next ones after what it
 *     asked for last); returns the offset of the next byte it needs, which
 *     may skip ahead (a reader with random access jumps there, a push
 *     stream discards up to it), or %KVS_PROBER_DONE when it has read
 *     all it needs
 * @finish: at the end of the stream (or when done), of @size bytes in all,
 *     fills @info
 * @set_size: (nullable): told the stream's size in bytes, when the reader
 *     knows it (pull mode), right after @new_state; a prober that wants
 *     the end of a file (an MPEG-TS's last timestamps) jumps there
 *
 * A container prober: a push parser that may ask to skip ahead, so that the
 * same code reads a file by its index in pull mode and a stream passing
 * through in push mode.
 */
typedef struct
{
  const gchar *name;
  const gchar *const *media_types;
    gpointer (*new_state) (gboolean random_access);
  void (*free_state) (gpointer state);
    guint64 (*feed) (gpointer state, guint64 offset, const guint8 * data,
      gsize size);
    gboolean (*finish) (gpointer state, guint64 size, KvsMediaInfo * info,
      GError ** error);
  void (*set_size) (gpointer state, guint64 size);
} KvsProberClass;

const KvsProberClass *kvs_prober_find (const GstCaps * caps);

extern const KvsProberClass kvs_mp4_prober;
extern const KvsProberClass kvs_mpa_prober;
extern const KvsProberClass kvs_wav_prober;
extern const KvsProberClass kvs_flac_prober;
extern const KvsProberClass kvs_ogg_prober;

extern const KvsProberClass kvs_mkv_prober;
extern const KvsProberClass kvs_ts_prober;
extern const KvsProberClass kvs_flv_prober;

G_END_DECLS
#endif /* __KVS_PROBER_H__ */
