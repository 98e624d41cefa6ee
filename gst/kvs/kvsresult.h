/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __KVS_RESULT_H__
#define __KVS_RESULT_H__

#include <gst/gst.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS
    void kvs_json_builder_add_decimal (JsonBuilder * builder, gdouble value,
    guint decimals);

gchar *kvs_result_to_json (JsonNode * root);

gboolean kvs_result_write_sidecar (const gchar * location, const gchar * json,
    GError ** error);

gboolean kvs_result_post (GstElement * element, const gchar * location,
    JsonNode * root, GstStructure * fields, gint write_errnum);

G_END_DECLS
#endif /* __KVS_RESULT_H__ */
