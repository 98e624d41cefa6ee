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

#include "kvsprober.h"

G_DEFINE_QUARK (kvs - prober - error - quark, kvs_prober_error);

static const KvsProberClass *const probers[] = {
  &kvs_mp4_prober,
  &kvs_mkv_prober,
  &kvs_mpa_prober,
  &kvs_wav_prober,
  &kvs_flac_prober,
  &kvs_ogg_prober,
  &kvs_ts_prober,
  &kvs_flv_prober,
};

/**
 * kvs_prober_find:
 * @caps: what the typefinder found
 *
 * Returns: (nullable): the prober for @caps
 */
const KvsProberClass *
kvs_prober_find (const GstCaps * caps)
{
  const GstStructure *s;
  guint i, j;

  if (caps == NULL || gst_caps_is_empty (caps))
    return NULL;
  s = gst_caps_get_structure (caps, 0);
  for (i = 0; i < G_N_ELEMENTS (probers); i++)
    for (j = 0; probers[i]->media_types[j] != NULL; j++)
      if (gst_structure_has_name (s, probers[i]->media_types[j]))
        return probers[i];
  return NULL;
}
