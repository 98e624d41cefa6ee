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

/**
 * KVS_RESULT_TASK_TYPE_PROP:
 *
 * The read-only string property every result-producing kvs element has:
 * the service's task `Type` its result reports (`avinfo`, `avtrans`,
 * `wave`, `avsnapshot`, `avsample`), from its current settings. With the
 * `task-type` and `dstpath` fields of the result message, it is the whole
 * contract between an element and kvstask.
 */
#define KVS_RESULT_TASK_TYPE_PROP "task-type"

void kvs_result_install_task_type (GObjectClass * klass, guint prop_id);

void kvs_result_set_task (GstStructure * fields, const gchar * task_type,
    const gchar * dstpath, const gchar * document);

gboolean kvs_result_post (GstElement * element, const gchar * location,
    JsonNode * root, GstStructure * fields, gint write_errnum);

G_END_DECLS
#endif /* __KVS_RESULT_H__ */
