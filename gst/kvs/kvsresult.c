/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The result convention every element follows: one JSON document, generated
 * once by json-glib, written atomically to the sidecar file (when the element
 * has one) and carried byte for byte in the `json` field of one final element
 * message named after the element. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvsresult.h"
#include "kvserrors.h"
#include "kvsfiles.h"

#include <math.h>
#include <string.h>

/* json-glib writes doubles with 17 significant digits (0.8 becomes
 * 0.80000000000000004), while the documents want numbers with a fixed
 * number of decimals. Such a number goes into the tree as a string: a
 * control character, a tag with a random key drawn once per process, and
 * the digits. kvs_result_to_json() turns every such string that stands as
 * a whole value into a bare number literal; no other string can carry the
 * key, and anything that is not a plain decimal behind it stays as it is. */
#define MAX_NUMBER_LEN 352      /* %.17f of the largest double */

static const gchar *
decimal_key (void)
{
  static gchar *key = NULL;

  if (g_once_init_enter (&key)) {
    gchar *k = g_strdup_printf ("kvs-decimal-%08x%08x:", g_random_int (),
        g_random_int ());
    g_once_init_leave (&key, k);
  }
  return key;
}

/**
 * kvs_json_builder_add_decimal:
 * @builder: a builder where a value is expected
 * @value: the number
 * @decimals: the decimals to write it with (at most 17), e.g. 4 for `0.8000`
 *
 * Adds @value as a JSON number written with exactly @decimals decimals;
 * a NaN or an infinity, which JSON cannot hold, as null.
 */
void
kvs_json_builder_add_decimal (JsonBuilder * builder, gdouble value,
    guint decimals)
{
  gchar num[MAX_NUMBER_LEN];
  gchar fmt[8];
  gchar *marked;

  if (!isfinite (value)) {
    json_builder_add_null_value (builder);
    return;
  }

  g_snprintf (fmt, sizeof (fmt), "%%.%uf", MIN (decimals, 17));
  g_ascii_formatd (num, sizeof (num), fmt, value);
  marked = g_strconcat ("\001", decimal_key (), num, NULL);
  json_builder_add_string_value (builder, marked);
  g_free (marked);
}

/* "\u0001kvs-decimal-KEY:0.8000" standing as a value (after ':', ',' or
 * '[') becomes 0.8000. */
static gchar *
unmark_decimals (gchar * json)
{
  gchar *mark = g_strconcat ("\"\\u0001", decimal_key (), NULL);
  gsize mark_len = strlen (mark);
  const gchar *p = json, *hit;
  GString *out;

  if (strstr (json, mark) == NULL) {
    g_free (mark);
    return json;
  }

  out = g_string_sized_new (strlen (json));
  while ((hit = strstr (p, mark)) != NULL) {
    const gchar *num = hit + mark_len;
    gsize len = strspn (num, "-0123456789.");
    gboolean as_value = hit > json && strchr (":,[", hit[-1]) != NULL;

    g_string_append_len (out, p, hit - p);
    if (as_value && len > 0 && num[len] == '"') {
      g_string_append_len (out, num, len);
      p = num + len + 1;
    } else {
      g_string_append_len (out, hit, mark_len);
      p = num;
    }
  }
  g_string_append (out, p);
  g_free (mark);
  g_free (json);
  return g_string_free (out, FALSE);
}

/**
 * kvs_result_to_json:
 * @root: the document
 *
 * Returns: (transfer full): @root as compact JSON, as documented
 */
gchar *
kvs_result_to_json (JsonNode * root)
{
  JsonGenerator *gen;
  gchar *json;

  gen = json_generator_new ();
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, FALSE);
  json = json_generator_to_data (gen, NULL);
  g_object_unref (gen);

  return unmark_decimals (json);
}

/**
 * kvs_result_write_sidecar:
 * @location: the sidecar's path
 * @json: the document
 * @error: return location for a #GFileError
 *
 * Writes @json atomically: to a temporary file beside @location, which is
 * then renamed over it. A reader never sees half a document, and a failed
 * write leaves any earlier file at @location as it was.
 *
 * Returns: %TRUE on success
 */
gboolean
kvs_result_write_sidecar (const gchar * location, const gchar * json,
    GError ** error)
{
  return g_file_set_contents (location, json, -1, error);
}

/**
 * kvs_result_install_task_type:
 * @klass: an element class
 * @prop_id: the id the class gives the property
 *
 * Installs the read-only #KVS_RESULT_TASK_TYPE_PROP property.
 */
void
kvs_result_install_task_type (GObjectClass * klass, guint prop_id)
{
  g_object_class_install_property (klass, prop_id,
      g_param_spec_string (KVS_RESULT_TASK_TYPE_PROP, "Task type",
          "The service's task Type this element's result reports in a "
          "callback (avinfo, avtrans, wave, avsnapshot, avsample), from "
          "the current settings", NULL,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

/**
 * kvs_result_set_task:
 * @fields: a result message structure
 * @task_type: the task `Type` of the result
 * @dstpath: (nullable): the output the result describes, as the element
 *     knows it (a path), or %NULL for none
 * @document: (nullable): the callback item field the result document goes
 *     into as a string (`metainfo`, `outMediainfo`, `segmentsinfo`), or
 *     %NULL when the callback carries no document of this element
 *
 * Sets the fields every final result message carries: `task-type`,
 * `dstpath` (a displayable UTF-8 path, `""` for none) and, when there is
 * one, `document`.
 */
void
kvs_result_set_task (GstStructure * fields, const gchar * task_type,
    const gchar * dstpath, const gchar * document)
{
  gchar *shown = dstpath != NULL ? kvs_files_display (dstpath) : g_strdup ("");

  gst_structure_set (fields, "task-type", G_TYPE_STRING, task_type,
      "dstpath", G_TYPE_STRING, shown, NULL);
  g_free (shown);
  if (document != NULL)
    gst_structure_set (fields, "document", G_TYPE_STRING, document, NULL);
}

/**
 * kvs_result_post:
 * @element: the element whose result this is
 * @location: (nullable): the sidecar's path, or %NULL for none
 * @root: (transfer none): the result document
 * @fields: (transfer full): the message structure, named after the element,
 *     with its typed fields already set
 * @write_errnum: the documented code to raise when the sidecar cannot be
 *     written
 *
 * Generates the document once, writes it to @location and posts @fields as
 * an element message with the same bytes in its `json` field (and the
 * sidecar path in `location`). Call it without holding any lock.
 *
 * Returns: %FALSE if the sidecar could not be written; an error carrying
 *     @write_errnum was posted then, and no result message
 */
gboolean
kvs_result_post (GstElement * element, const gchar * location,
    JsonNode * root, GstStructure * fields, gint write_errnum)
{
  GError *err = NULL;
  gchar *json;

  json = kvs_result_to_json (root);

  if (location != NULL && !kvs_result_write_sidecar (location, json, &err))
    goto write_failed;

  gst_structure_set (fields, "json", G_TYPE_STRING, json, NULL);
  if (location != NULL) {
    gchar *shown = kvs_files_display (location);

    gst_structure_set (fields, "location", G_TYPE_STRING, shown, NULL);
    g_free (shown);
  }
  g_free (json);

  return gst_element_post_message (element,
      gst_message_new_element (GST_OBJECT_CAST (element), fields));

  /* ERRORS */
write_failed:
  {
    if (g_error_matches (err, G_FILE_ERROR, G_FILE_ERROR_NOSPC)) {
      KVS_ELEMENT_ERROR (element, RESOURCE, NO_SPACE_LEFT, write_errnum,
          ("No space left to write the result file \"%s\".", location),
          ("%s", err->message));
    } else {
      KVS_ELEMENT_ERROR (element, RESOURCE, OPEN_WRITE, write_errnum,
          ("Could not write the result file \"%s\".", location),
          ("%s", err->message));
    }
    g_clear_error (&err);
    g_free (json);
    gst_structure_free (fields);
    return FALSE;
  }
}
