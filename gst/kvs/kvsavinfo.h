/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __KVS_AVINFO_H__
#define __KVS_AVINFO_H__

#include <json-glib/json-glib.h>

#include "kvsmedia.h"

G_BEGIN_DECLS JsonNode *kvs_avinfo_metainfo (const KvsMediaInfo * info);

JsonNode *kvs_avinfo_outmediainfo (const KvsMediaInfo * info);

G_END_DECLS
#endif /* __KVS_AVINFO_H__ */
