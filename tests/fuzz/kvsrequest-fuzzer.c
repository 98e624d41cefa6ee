/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* libFuzzer target of the task requests' parser and validator
 * (ext/soup/kvsrequest.c): the first byte picks the Action, the rest is the
 * body. Beyond crashes and leaks it checks the contract: a refusal carries
 * a documented public code, an accepted request has keys that pass the
 * key check, and resolving it under a root never leaves that root. */

#include "kvsrequest.h"
#include "kvserrors.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

static gchar *root;

static void
make_root (void)
{
  gchar *p;

  root = g_dir_make_tmp ("kvsrequest-fuzz-XXXXXX", NULL);
  g_assert (root != NULL);
  p = g_build_filename (root, "src", NULL);
  g_mkdir (p, 0755);
  g_free (p);
  p = g_build_filename (root, "out", NULL);
  g_mkdir (p, 0755);
  g_free (p);
  p = g_build_filename (root, "src", "a.mp4", NULL);
  g_file_set_contents (p, "x", 1, NULL);
  g_free (p);
}

/* What GLib and json-glib allocate once for the life of the process (type
 * classes, the URI parser's and the error strings' tables) is made before
 * fuzzing, so that leak detection sees only what an input leaks. */
static void
warm_up (void)
{
  static const gchar *bodies[] = {
    ("{\"Preset\":\"wave\",\"SrcInfo\":[{\"path\":\"/src/a.mp4\"}],"
        "\"DstBucket\":\"out\",\"DstObjectKey\":\"a/b.json\","
        "\"CbUrl\":\"http://127.0.0.1:1/cb\",\"points\":100}"),
    ("{\"Preset\":\"wave\",\"SrcInfo\":[{\"path\":\"/src/none\"}],"
        "\"DstBucket\":\"out\",\"DstObjectKey\":\"b\",\"points\":100}"),
    "{\"Preset\":\"wave\",\"CbUrl\":\"h\u00e9://[x\"}",
    "{\"a\":\"\n",
    "[1, 2.5e400, {\"x\": null}]",
    "\xff",
  };
  guint i, j;

  for (j = 0; j < 2; j++) {
    for (i = 0; i < G_N_ELEMENTS (bodies); i++) {
      gchar *detail = NULL, *src = NULL, *dst = NULL;
      gint code;
      KvsRequest *r = kvs_request_parse (j ? "CreateTask" : "CreateWaveTask",
          bodies[i], -1, &code, &detail);

      if (r != NULL && kvs_request_resolve (r, root, &src, &dst, &code,
              &detail)) {
        g_free (src);
        g_free (dst);
      }
      g_free (detail);
      kvs_request_free (r);
    }
  }
}

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  static const gchar *actions[] = { "CreateWaveTask", "CreateTask", "", "X" };
  KvsRequest *r;
  gchar *detail = NULL, *src = NULL, *dst = NULL, *resp;
  gint code = 0;

  if (root == NULL) {
    make_root ();
    warm_up ();
  }
  if (size == 0)
    return 0;

  r = kvs_request_parse (actions[data[0] % G_N_ELEMENTS (actions)],
      (const gchar *) data + 1, size - 1, &code, &detail);
  if (r == NULL) {
    if (code == 0 || kvs_public_error_lookup (code) == NULL || detail == NULL)
      abort ();
  } else {
    if (code != 0 || !kvs_request_check_bucket_name (r->src_bucket))
      abort ();
    if (r->dst_key != NULL && (r->dst_bucket == NULL ||
            !kvs_request_check_bucket_name (r->dst_bucket)))
      abort ();
    if (kvs_request_resolve (r, root, &src, &dst, &code, NULL)) {
      if (!g_str_has_prefix (src, root) || (dst != NULL &&
              !g_str_has_prefix (dst, root)))
        abort ();
    } else if (kvs_public_error_lookup (code) == NULL) {
      abort ();
    }
  }
  resp = kvs_request_response (r != NULL ? "t" : NULL, r != NULL ? 0 : code);
  g_free (resp);
  g_free (src);
  g_free (dst);
  g_free (detail);
  kvs_request_free (r);
  return 0;
}
