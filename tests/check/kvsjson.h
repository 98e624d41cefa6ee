/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* What the suites that read callback bodies share: parsing that fails the
 * test on anything but valid UTF-8 JSON, and key order assertions. */

#ifndef __KVS_JSON_H__
#define __KVS_JSON_H__

#include <gst/check/gstcheck.h>
#include <json-glib/json-glib.h>

static inline JsonNode *
kvs_json_parse (const gchar * body)
{
  JsonNode *node;

  fail_unless (g_utf8_validate (body, -1, NULL));
  node = json_from_string (body, NULL);
  fail_unless (node != NULL, "not JSON: %s", body);
  return node;
}

/* the object's member names, in order, joined with commas */
static inline gchar *
kvs_json_keys (JsonObject * o)
{
  GList *members = json_object_get_members (o), *l;
  GString *s = g_string_new (NULL);

  for (l = members; l; l = l->next)
    g_string_append_printf (s, "%s%s", s->len ? "," : "",
        (const gchar *) l->data);
  g_list_free (members);
  return g_string_free (s, FALSE);
}

#define assert_keys(o, want) G_STMT_START {                    \
  gchar *k_ = kvs_json_keys (o);                               \
  fail_unless_equals_string (k_, want);                        \
  g_free (k_);                                                 \
} G_STMT_END

#endif /* __KVS_JSON_H__ */
