/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The task requests of the service: parsed by json-glib, validated with the
 * public error codes, and their buckets and keys resolved to paths under a
 * root directory that no key can leave. docs/api.md is the reference of
 * every field and of which code answers what. Nothing here runs anything:
 * it is the part that reads untrusted input, and the fuzz target's. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvsrequest.h"

#include "kvserrors.h"
#include "kvsfiles.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KVS_PUBLIC_INVALID_DIR 1020

typedef struct
{
  const gchar *name;
  KvsPreset preset;
} PresetName;

static const PresetName presets[] = {
  {"wave", KVS_PRESET_WAVE},
  {"avinfo", KVS_PRESET_AVINFO},
  {"avsnapshot", KVS_PRESET_AVSNAPSHOT},
  {"avsample", KVS_PRESET_AVSAMPLE},
  {"sprites", KVS_PRESET_SPRITES},
  {"segments", KVS_PRESET_SEGMENTS},
  {"avtrans", KVS_PRESET_AVTRANS},
};

/* the failure of a check: its code and what was wrong */
static gboolean
fail (gint * code, gchar ** detail, gint c, const gchar * format, ...)
G_GNUC_PRINTF (4, 5);

     static gboolean
         fail (gint * code, gchar ** detail, gint c, const gchar * format, ...)
{
  va_list args;

  *code = c;
  if (detail != NULL) {
    va_start (args, format);
    *detail = g_strdup_vprintf (format, args);
    va_end (args);
  }
  return FALSE;
}

void
kvs_request_free (KvsRequest * r)
{
  if (r == NULL)
    return;
  g_free (r->action);
  g_free (r->src_bucket);
  g_free (r->src_key);
  g_free (r->dst_bucket);
  g_free (r->dst_key);
  g_free (r->dst_acl);
  g_free (r->cb_url);
  g_free (r->vtt_key);
  g_free (r->container);
  if (r->times != NULL)
    g_array_unref (r->times);
  g_free (r);
}

/**
 * kvs_request_check_bucket_name:
 * @name: a bucket name
 *
 * Bucket names follow the object store's rule: 3 to 63 lower-case letters,
 * digits, dots and hyphens, beginning and ending with a letter or digit.
 * So a bucket is always one plain directory name under the root.
 *
 * Returns: %TRUE when @name is a valid bucket name
 */
gboolean
kvs_request_check_bucket_name (const gchar * name)
{
  gsize i, len = strlen (name);

  if (len < 3 || len > 63)
    return FALSE;
  for (i = 0; i < len; i++) {
    gchar c = name[i];

    if (!g_ascii_islower (c) && !g_ascii_isdigit (c) && c != '.' && c != '-')
      return FALSE;
  }
  return g_ascii_isalnum (name[0]) && g_ascii_isalnum (name[len - 1]) &&
      strstr (name, "..") == NULL;
}

static gboolean check_path (const gchar * key);

/**
 * kvs_request_check_key:
 * @key: an object key
 * @pattern: the key names numbered files and must hold exactly one integer
 *     conversion (`%03d`, as the elements take it); otherwise it may hold
 *     no `%` at all
 *
 * An output's key is a relative path inside its bucket: UTF-8, at most
 * #KVS_REQUEST_MAX_KEY bytes, no control character or backslash, no
 * empty, `.` or `..` component, not absolute, not ending in `/`, and not
 * in a staging directory of the task layer (`.kvs-staging-…`).
 *
 * Returns: %TRUE when @key is valid
 */
gboolean
kvs_request_check_key (const gchar * key, gboolean pattern)
{
  if (g_str_has_prefix (key, ".kvs-staging-"))
    return FALSE;
  if (pattern ? !kvs_files_is_pattern (key) : strchr (key, '%') != NULL)
    return FALSE;
  return check_path (key);
}

/* a key as a relative path that stays in its bucket, whatever it holds */
static gboolean
check_path (const gchar * key)
{
  gchar **parts;
  gboolean ok = TRUE;
  const gchar *p;
  guint i;

  if (key[0] == '\0' || strlen (key) > KVS_REQUEST_MAX_KEY ||
      !g_utf8_validate (key, -1, NULL) || key[0] == '/')
    return FALSE;
  for (p = key; *p != '\0'; p++) {
    if ((guchar) * p < 0x20 || *p == 0x7f || *p == '\\')
      return FALSE;
  }
  parts = g_strsplit (key, "/", -1);
  for (i = 0; parts[i] != NULL && ok; i++) {
    if (parts[i][0] == '\0' || strcmp (parts[i], ".") == 0 ||
        strcmp (parts[i], "..") == 0)
      ok = FALSE;
  }
  g_strfreev (parts);
  return ok;
}

/* member @name of @o: a string, or %NULL when absent; FALSE when present
 * but not a string */
static gboolean
get_string (JsonObject * o, const gchar * name, const gchar ** out)
{
  JsonNode *n = json_object_get_member (o, name);

  *out = NULL;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) !=
      G_TYPE_STRING)
    return FALSE;
  *out = json_node_get_string (n);
  return TRUE;
}

/* member @name of @o: a number (integer or not), in *out; FALSE when
 * present and not a number. *present says whether it was there. */
static gboolean
get_number (JsonObject * o, const gchar * name, gdouble * out,
    gboolean * present)
{
  JsonNode *n = json_object_get_member (o, name);
  GType t;

  *present = FALSE;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  t = json_node_get_value_type (n);
  if (t == G_TYPE_INT64)
    *out = (gdouble) json_node_get_int (n);
  else if (t == G_TYPE_DOUBLE)
    *out = json_node_get_double (n);
  else
    return FALSE;
  *present = TRUE;
  return TRUE;
}

/* an unsigned integer member in [min, max]; absent: @def, or a failure
 * with 1000 when @def is G_MAXUINT (required) */
static gboolean
get_uint (JsonObject * o, const gchar * name, guint min, guint max,
    guint def, gint bad_code, guint * out, gint * code, gchar ** detail)
{
  gdouble v = 0;
  gboolean present;

  if (!get_number (o, name, &v, &present))
    return fail (code, detail, bad_code, "%s: not a number", name);
  if (!present) {
    if (def == G_MAXUINT)
      return fail (code, detail, KVS_PUBLIC_MISSING_PARAM, "%s: missing", name);
    *out = def;
    return TRUE;
  }
  /* the range first: a double beyond it has no integer to compare with */
  if (!(v >= min && v <= max) || v != (gdouble) (guint) v)
    return fail (code, detail, bad_code, "%s: %g is not an integer from %u "
        "to %u", name, v, min, max);
  *out = (guint) v;
  return TRUE;
}

static gboolean
get_seconds (JsonObject * o, const gchar * name, gdouble min, gdouble max,
    gdouble def, gboolean required, gdouble * out, gint * code, gchar ** detail)
{
  gboolean present;
  gdouble v = def;

  if (!get_number (o, name, &v, &present))
    return fail (code, detail, KVS_PUBLIC_ILLEGAL_EXTENSION, "%s: not a "
        "number", name);
  if (!present && required)
    return fail (code, detail, KVS_PUBLIC_MISSING_PARAM, "%s: missing", name);
  if (present && !(v >= min && v <= max))
    return fail (code, detail, KVS_PUBLIC_ILLEGAL_EXTENSION, "%s: %g is "
        "not from %g to %g", name, v, min, max);
  *out = v;
  return TRUE;
}

/* an http or https URL with a host */
static gboolean
check_url (const gchar * url)
{
  GUri *uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  gboolean ok;

  if (uri == NULL)
    return FALSE;
  ok = (g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 ||
      g_strcmp0 (g_uri_get_scheme (uri), "https") == 0) &&
      g_uri_get_host (uri) != NULL && g_uri_get_host (uri)[0] != '\0';
  g_uri_unref (uri);
  return ok;
}

/* SrcInfo: [{"path":"/bucket/key"}] (the reference's table) or
 * {"path":…} (the reference's example) */
static gboolean
parse_source (JsonObject * o, KvsRequest * r, gint * code, gchar ** detail)
{
  JsonNode *n = json_object_get_member (o, "SrcInfo");
  JsonObject *src;
  const gchar *path, *slash;

  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return fail (code, detail, KVS_PUBLIC_MISSING_PARAM, "SrcInfo: missing");
  if (JSON_NODE_HOLDS_ARRAY (n)) {
    JsonArray *a = json_node_get_array (n);

    if (json_array_get_length (a) == 0)
      return fail (code, detail, KVS_PUBLIC_ILLEGAL_SOURCE, "SrcInfo: empty");
    if (json_array_get_length (a) > 1)
      return fail (code, detail, KVS_PUBLIC_TOO_MANY_SOURCES, "SrcInfo: %u "
          "sources, a task takes one", json_array_get_length (a));
    n = json_array_get_element (a, 0);
  }
  if (!JSON_NODE_HOLDS_OBJECT (n))
    return fail (code, detail, KVS_PUBLIC_ILLEGAL_SOURCE, "SrcInfo: not an "
        "object");
  src = json_node_get_object (n);
  if (!get_string (src, "path", &path))
    return fail (code, detail, KVS_PUBLIC_ILLEGAL_SOURCE, "SrcInfo.path: not "
        "a string");
  if (path == NULL || path[0] == '\0')
    return fail (code, detail, KVS_PUBLIC_MISSING_PARAM, "SrcInfo.path: "
        "missing");
  if (strlen (path) > KVS_REQUEST_MAX_KEY + 65)
    return fail (code, detail, KVS_PUBLIC_SOURCE_TOO_LONG, "SrcInfo.path: "
        "%" G_GSIZE_FORMAT " bytes, at most %d", strlen (path),
        KVS_REQUEST_MAX_KEY + 65);
  if (path[0] != '/' || (slash = strchr (path + 1, '/')) == NULL)
    return fail (code, detail, KVS_PUBLIC_ILLEGAL_SOURCE, "SrcInfo.path: not "
        "/bucket/key");
  r->src_bucket = g_strndup (path + 1, slash - path - 1);
  r->src_key = g_strdup (slash + 1);
  if (!kvs_request_check_bucket_name (r->src_bucket))
    return fail (code, detail, KVS_PUBLIC_INVALID_BUCKET, "SrcInfo.path: "
        "invalid bucket name");
  if (strlen (r->src_key) > KVS_REQUEST_MAX_KEY)
    return fail (code, detail, KVS_PUBLIC_SOURCE_TOO_LONG, "SrcInfo.path: "
        "the key is over %d bytes", KVS_REQUEST_MAX_KEY);
  if (!check_path (r->src_key))
    return fail (code, detail, KVS_PUBLIC_INVALID_FILE_NAME, "SrcInfo.path: "
        "invalid key");
  return TRUE;
}

static gboolean
parse_times (JsonObject * o, KvsRequest * r, gint * code, gchar ** detail)
{
  JsonNode *n = json_object_get_member (o, "times");
  JsonArray *a;
  guint i, len;

  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return fail (code, detail, KVS_PUBLIC_MISSING_PARAM, "times: missing");
  if (!JSON_NODE_HOLDS_ARRAY (n))
    return fail (code, detail, KVS_PUBLIC_ILLEGAL_EXTENSION, "times: not an "
        "array");
  a = json_node_get_array (n);
  len = json_array_get_length (a);
  if (len == 0 || len > KVS_REQUEST_MAX_TIMES)
    return fail (code, detail, KVS_PUBLIC_ILLEGAL_EXTENSION, "times: %u "
        "times, 1 to %d", len, KVS_REQUEST_MAX_TIMES);
  r->times = g_array_sized_new (FALSE, FALSE, sizeof (gdouble), len);
  for (i = 0; i < len; i++) {
    JsonNode *t = json_array_get_element (a, i);
    gdouble v;

    if (!JSON_NODE_HOLDS_VALUE (t) || (json_node_get_value_type (t) !=
            G_TYPE_INT64 && json_node_get_value_type (t) != G_TYPE_DOUBLE))
      return fail (code, detail, KVS_PUBLIC_ILLEGAL_EXTENSION, "times[%u]: "
          "not a number", i);
    v = json_node_get_double (t);
    if (!(v >= 0 && v <= 1e7))
      return fail (code, detail, KVS_PUBLIC_ILLEGAL_EXTENSION, "times[%u]: "
          "%g is not from 0 to 10000000 s", i, v);
    g_array_append_val (r->times, v);
  }
  return TRUE;
}

/* `width` and `height`, each from 0 (the source's) to @max */
static gboolean
get_size (JsonObject * o, guint max, KvsRequest * r, gint * code,
    gchar ** detail)
{
  return get_uint (o, "width", 0, max, 0, KVS_PUBLIC_ILLEGAL_EXTENSION,
      &r->width, code, detail) &&
      get_uint (o, "height", 0, max, 0, KVS_PUBLIC_ILLEGAL_EXTENSION,
      &r->height, code, detail);
}

static gboolean
parse_preset_params (JsonObject * o, KvsRequest * r, gint * code,
    gchar ** detail)
{
  const gchar *s;

  switch (r->preset) {
    case KVS_PRESET_WAVE:
      /* the reference: "points int, 11 to 4095", out of range illegal */
      return get_uint (o, "points", 11, 4095, G_MAXUINT,
          KVS_PUBLIC_ILLEGAL_PARAM, &r->points, code, detail);
    case KVS_PRESET_AVINFO:
      return TRUE;
    case KVS_PRESET_AVSNAPSHOT:
      return parse_times (o, r, code, detail) &&
          get_size (o, 8192, r, code, detail);
    case KVS_PRESET_AVSAMPLE:
      return get_seconds (o, "interval", 0.001, 86400, 0, TRUE,
          &r->interval, code, detail) &&
          get_seconds (o, "start", 0, 1e7, 0, FALSE, &r->start, code, detail)
          && get_uint (o, "count", 0, 100000, 0, KVS_PUBLIC_ILLEGAL_EXTENSION,
          &r->count, code, detail) && get_size (o, 8192, r, code, detail);
    case KVS_PRESET_SPRITES:
      if (!get_seconds (o, "interval", 0.001, 86400, 0, TRUE, &r->interval,
              code, detail) ||
          !get_seconds (o, "start", 0, 1e7, 0, FALSE, &r->start, code, detail)
          || !get_uint (o, "count", 0, 100000, 0,
              KVS_PUBLIC_ILLEGAL_EXTENSION, &r->count, code, detail)
          || !get_uint (o, "columns", 1, 100, G_MAXUINT,
              KVS_PUBLIC_ILLEGAL_EXTENSION, &r->columns, code, detail)
          || !get_uint (o, "rows", 1, 100, G_MAXUINT,
              KVS_PUBLIC_ILLEGAL_EXTENSION, &r->rows, code, detail)
          || !get_uint (o, "tile_width", 2, 4096, 160,
              KVS_PUBLIC_ILLEGAL_EXTENSION, &r->tile_width, code, detail)
          || !get_uint (o, "tile_height", 2, 4096, 90,
              KVS_PUBLIC_ILLEGAL_EXTENSION, &r->tile_height, code, detail))
        return FALSE;
      if (!get_string (o, "DstVttObjectKey", &s))
        return fail (code, detail, KVS_PUBLIC_ILLEGAL_PARAM,
            "DstVttObjectKey: not a string");
      if (s != NULL && !kvs_request_check_key (s, FALSE))
        return fail (code, detail, KVS_PUBLIC_INVALID_FILE_NAME,
            "DstVttObjectKey: invalid key");
      r->vtt_key = g_strdup (s);
      return TRUE;
    case KVS_PRESET_SEGMENTS:
      if (!get_string (o, "segmentlisttype", &s))
        return fail (code, detail, KVS_PUBLIC_ILLEGAL_EXTENSION,
            "segmentlisttype: not a string");
      if (s != NULL && strcmp (s, "m3u8") != 0)
        return fail (code, detail, KVS_PUBLIC_ILLEGAL_EXTENSION,
            "segmentlisttype: only m3u8");
      return get_seconds (o, "target_duration", 0.1, 3600, 10, FALSE,
          &r->target_duration, code, detail);
    case KVS_PRESET_AVTRANS:
      if (!get_string (o, "format", &s))
        return fail (code, detail, KVS_PUBLIC_ILLEGAL_EXTENSION,
            "format: not a string");
      if (s == NULL)
        s = g_str_has_suffix (r->dst_key, ".flv") ? "flv" :
            g_str_has_suffix (r->dst_key, ".ts") ? "ts" : "mp4";
      if (strcmp (s, "mp4") != 0 && strcmp (s, "flv") != 0 &&
          strcmp (s, "ts") != 0)
        return fail (code, detail, KVS_PUBLIC_ILLEGAL_EXTENSION,
            "format: mp4, flv or ts");
      r->container = g_strdup (s);
      if (!get_size (o, 4096, r, code, detail))
        return FALSE;
      if (r->width % 2 != 0 || r->height % 2 != 0)
        return fail (code, detail, KVS_PUBLIC_ILLEGAL_EXTENSION,
            "width, height: even numbers (H.264 4:2:0)");
      return get_uint (o, "framerate", 0, 120, 0, KVS_PUBLIC_ILLEGAL_EXTENSION,
          &r->framerate, code, detail) &&
          get_uint (o, "video_bitrate", 50, 100000, 1000,
          KVS_PUBLIC_ILLEGAL_EXTENSION, &r->video_bitrate, code, detail) &&
          get_uint (o, "audio_bitrate", 8000, 512000, 128000,
          KVS_PUBLIC_ILLEGAL_EXTENSION, &r->audio_bitrate, code, detail);
  }
  g_return_val_if_reached (FALSE);
}

/**
 * kvs_request_parse:
 * @action: the request's `Action` (`CreateWaveTask`, `CreateTask`)
 * @body: the JSON body
 * @length: its length in bytes, or -1 when nul-terminated
 * @code: (out): the public error code when it is refused
 * @detail: (out) (optional): what was wrong, in English
 *
 * Parses and validates a task request. Members it does not know are
 * ignored; every known member is checked for type and range.
 *
 * Returns: (transfer full) (nullable): the request, or %NULL with @code
 */
KvsRequest *
kvs_request_parse (const gchar * action, const gchar * body, gssize length,
    gint * code, gchar ** detail)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (KvsRequest) r = g_new0 (KvsRequest, 1);
  g_autoptr (GError) err = NULL;
  JsonNode *root;
  JsonObject *o;
  const gchar *preset, *s;
  gsize len = length < 0 ? strlen (body) : (gsize) length;
  guint i;

  *code = 0;
  if (detail != NULL)
    *detail = NULL;

  if (action == NULL || action[0] == '\0') {
    fail (code, detail, KVS_PUBLIC_MISSING_PARAM, "Action: missing");
    return NULL;
  }
  if (strcmp (action, "CreateWaveTask") != 0 &&
      strcmp (action, "CreateTask") != 0) {
    fail (code, detail, KVS_PUBLIC_ILLEGAL_PARAM, "Action: unknown");
    return NULL;
  }
  r->action = g_strdup (action);

  if (len > KVS_REQUEST_MAX_BODY) {
    fail (code, detail, KVS_PUBLIC_ILLEGAL_CONTENT, "body: over %d bytes",
        KVS_REQUEST_MAX_BODY);
    return NULL;
  }
  if (!g_utf8_validate_len (body, len, NULL)) {
    fail (code, detail, KVS_PUBLIC_ILLEGAL_CONTENT, "body: not UTF-8");
    return NULL;
  }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, body, len, &err)) {
    fail (code, detail, KVS_PUBLIC_ILLEGAL_CONTENT, "body: %s", err->message);
    return NULL;
  }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    fail (code, detail, KVS_PUBLIC_ILLEGAL_CONTENT, "body: not an object");
    return NULL;
  }
  o = json_node_get_object (root);

  if (!get_string (o, "Preset", &preset)) {
    fail (code, detail, KVS_PUBLIC_ILLEGAL_PARAM, "Preset: not a string");
    return NULL;
  }
  if (preset == NULL) {
    fail (code, detail, KVS_PUBLIC_MISSING_PARAM, "Preset: missing");
    return NULL;
  }
  r->preset_name = NULL;
  for (i = 0; i < G_N_ELEMENTS (presets); i++) {
    if (strcmp (preset, presets[i].name) == 0) {
      r->preset = presets[i].preset;
      r->preset_name = presets[i].name;
    }
  }
  if (r->preset_name == NULL || (strcmp (action, "CreateWaveTask") == 0 &&
          r->preset != KVS_PRESET_WAVE)) {
    fail (code, detail, KVS_PUBLIC_INVALID_PRESET, "Preset: \"%s\" is not a "
        "preset of %s", preset, action);
    return NULL;
  }

  if (!parse_source (o, r, code, detail))
    return NULL;

  if (!get_string (o, "DstBucket", &s)) {
    fail (code, detail, KVS_PUBLIC_ILLEGAL_PARAM, "DstBucket: not a string");
    return NULL;
  }
  if (s == NULL && r->preset != KVS_PRESET_AVINFO) {
    fail (code, detail, KVS_PUBLIC_MISSING_PARAM, "DstBucket: missing");
    return NULL;
  }
  if (s != NULL && !kvs_request_check_bucket_name (s)) {
    fail (code, detail, KVS_PUBLIC_INVALID_BUCKET, "DstBucket: invalid name");
    return NULL;
  }
  r->dst_bucket = g_strdup (s);

  if (!get_string (o, "DstObjectKey", &s)) {
    fail (code, detail, KVS_PUBLIC_ILLEGAL_PARAM, "DstObjectKey: not a string");
    return NULL;
  }
  if (s == NULL && r->preset != KVS_PRESET_AVINFO) {
    fail (code, detail, KVS_PUBLIC_MISSING_PARAM, "DstObjectKey: missing");
    return NULL;
  }
  if (s != NULL && !kvs_request_check_key (s,
          r->preset == KVS_PRESET_AVSNAPSHOT ||
          r->preset == KVS_PRESET_AVSAMPLE ||
          r->preset == KVS_PRESET_SPRITES)) {
    fail (code, detail, KVS_PUBLIC_INVALID_FILE_NAME, "DstObjectKey: invalid "
        "key%s", r->preset == KVS_PRESET_AVSNAPSHOT ||
        r->preset == KVS_PRESET_AVSAMPLE || r->preset == KVS_PRESET_SPRITES ?
        " (numbered files: one %d, like \"snap/a-%03d.jpg\")" : "");
    return NULL;
  }
  if (s != NULL && r->dst_bucket == NULL) {
    fail (code, detail, KVS_PUBLIC_MISSING_PARAM, "DstBucket: missing");
    return NULL;
  }
  r->dst_key = g_strdup (s);

  if (!get_string (o, "DstAcl", &s) || (s != NULL &&
          strcmp (s, "private") != 0 && strcmp (s, "public-read") != 0)) {
    fail (code, detail, KVS_PUBLIC_ILLEGAL_PARAM, "DstAcl: private or "
        "public-read");
    return NULL;
  }
  r->dst_acl = g_strdup (s != NULL ? s : "public-read");

  if (!get_string (o, "CbUrl", &s) || (s != NULL && !check_url (s))) {
    fail (code, detail, KVS_PUBLIC_ILLEGAL_PARAM, "CbUrl: not an http or "
        "https URL");
    return NULL;
  }
  r->cb_url = g_strdup (s);

  if (!parse_preset_params (o, r, code, detail))
    return NULL;

  return g_steal_pointer (&r);
}

/* The directory of a bucket, which must exist under @root. */
static gchar *
bucket_dir (const gchar * root, const gchar * bucket, gint * code,
    gchar ** detail)
{
  gchar *dir = g_build_filename (root, bucket, NULL);
  gchar *real;

  real = realpath (dir, NULL);
  g_free (dir);
  if (real == NULL || !g_file_test (real, G_FILE_TEST_IS_DIR)) {
    free (real);
    fail (code, detail, KVS_PUBLIC_INVALID_BUCKET, "bucket %s: no such "
        "bucket", bucket);
    return NULL;
  }
  if (access (real, R_OK | X_OK) != 0) {
    free (real);
    fail (code, detail, KVS_PUBLIC_BUCKET_ACCESS, "bucket %s: not readable",
        bucket);
    return NULL;
  }
  dir = g_strdup (real);
  free (real);
  return dir;
}

static gboolean
is_under (const gchar * path, const gchar * dir)
{
  gsize n = strlen (dir);

  return strncmp (path, dir, n) == 0 && path[n] == G_DIR_SEPARATOR;
}

/**
 * kvs_request_resolve:
 * @request: a parsed request
 * @root: the directory whose subdirectories are the buckets
 * @src_path: (out): the source file's path
 * @dst_dir: (out) (nullable): the destination bucket's directory, or
 *     %NULL when the request has none
 * @code: (out): the public error code when it is refused
 * @detail: (out) (optional): what was wrong
 *
 * Finds the files a request names, refusing what leaves its bucket. The
 * source is resolved through its symbolic links and must be a regular file
 * inside its bucket (1014 when the links lead out, 1210 when there is no
 * such file). Every existing directory of the destination key must lie
 * inside the destination bucket too, and must be a directory (1020).
 *
 * Returns: %TRUE when both resolve
 */
gboolean
kvs_request_resolve (const KvsRequest * request, const gchar * root,
    gchar ** src_path, gchar ** dst_dir, gint * code, gchar ** detail)
{
  g_autofree gchar *sbucket = NULL, *dbucket = NULL, *path = NULL;
  g_autofree gchar *dir = NULL;
  gchar *real;
  struct stat st;

  *src_path = NULL;
  if (dst_dir != NULL)
    *dst_dir = NULL;
  if (detail != NULL)
    *detail = NULL;

  sbucket = bucket_dir (root, request->src_bucket, code, detail);
  if (sbucket == NULL)
    return FALSE;
  path = g_build_filename (sbucket, request->src_key, NULL);
  real = realpath (path, NULL);
  if (real == NULL) {
    if (errno == EACCES)
      return fail (code, detail, KVS_PUBLIC_BUCKET_ACCESS, "SrcInfo.path: "
          "not readable");
    if (errno == ENAMETOOLONG)
      return fail (code, detail, KVS_PUBLIC_SOURCE_TOO_LONG, "SrcInfo.path: "
          "too long");
    return fail (code, detail, KVS_PUBLIC_FILE_NOT_FOUND, "SrcInfo.path: no "
        "such file");
  }
  if (!is_under (real, sbucket)) {
    free (real);
    return fail (code, detail, KVS_PUBLIC_INVALID_FILE_NAME, "SrcInfo.path: "
        "leaves its bucket");
  }
  if (stat (real, &st) != 0 || !S_ISREG (st.st_mode)) {
    free (real);
    return fail (code, detail, KVS_PUBLIC_FILE_NOT_FOUND, "SrcInfo.path: not "
        "a file");
  }

  if (request->dst_bucket != NULL) {
    gchar *probe;

    dbucket = bucket_dir (root, request->dst_bucket, code, detail);
    if (dbucket == NULL) {
      free (real);
      return FALSE;
    }
    if (access (dbucket, W_OK) != 0) {
      free (real);
      return fail (code, detail, KVS_PUBLIC_BUCKET_ACCESS, "DstBucket: not "
          "writable");
    }
    /* every existing directory of the key stays in the bucket */
    dir = request->dst_key != NULL ? g_path_get_dirname (request->dst_key) :
        g_strdup (".");
    while (strcmp (dir, ".") != 0) {
      gchar *full = g_build_filename (dbucket, dir, NULL), *up;

      probe = realpath (full, NULL);
      if (probe != NULL) {
        gboolean inside = is_under (probe, dbucket);
        gboolean is_dir = g_file_test (probe, G_FILE_TEST_IS_DIR);

        free (probe);
        g_free (full);
        if (!inside) {
          free (real);
          return fail (code, detail, KVS_PUBLIC_INVALID_FILE_NAME,
              "DstObjectKey: leaves its bucket");
        }
        if (!is_dir) {
          free (real);
          return fail (code, detail, KVS_PUBLIC_INVALID_DIR, "DstObjectKey: "
              "%s is not a directory", dir);
        }
        break;
      }
      if (g_file_test (full, G_FILE_TEST_IS_SYMLINK)) {
        /* a dangling link: it could point anywhere once created */
        g_free (full);
        free (real);
        return fail (code, detail, KVS_PUBLIC_INVALID_FILE_NAME,
            "DstObjectKey: leaves its bucket");
      }
      g_free (full);
      up = g_path_get_dirname (dir);
      g_free (dir);
      dir = up;
    }
  }

  *src_path = g_strdup (real);
  free (real);
  if (dst_dir != NULL)
    *dst_dir = g_steal_pointer (&dbucket);
  return TRUE;
}

/**
 * kvs_request_response:
 * @task_id: (nullable): the task's id, or %NULL when refused
 * @code: 0 or the public error code
 *
 * Returns: (transfer full): the answer to a create request, as the
 *     reference's example: `{"TaskID":…,"ErrNum":…,"ErrMsg":…}` (no
 *     `TaskID` when refused)
 */
gchar *
kvs_request_response (const gchar * task_id, gint code)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  const KvsPublicError *e = kvs_public_error_lookup (code);

  json_builder_begin_object (b);
  if (task_id != NULL) {
    json_builder_set_member_name (b, "TaskID");
    json_builder_add_string_value (b, task_id);
  }
  json_builder_set_member_name (b, "ErrNum");
  json_builder_add_int_value (b, code);
  json_builder_set_member_name (b, "ErrMsg");
  json_builder_add_string_value (b, code == 0 ? "success" :
      e != NULL ? e->message : "");
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}
