/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* kvs-task: one task request of the service, run locally.
 *
 *   kvs-task [--root DIR] [--action ACTION] [REQUEST.json | -]
 *
 * Prints the response ({"TaskID","ErrNum","ErrMsg"}, one line), runs the
 * task, prints the final callback body (one line) and POSTs it to CbUrl.
 * A progress bar goes to stderr when it is a terminal. Exit status: 0 the
 * task succeeded (and its callback was delivered, when CbUrl is set), 1 it
 * failed, 2 the request was refused, 3 it succeeded but the callback was
 * not delivered. docs/api.md describes the requests. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvsrequest.h"
#include "kvsrun.h"

#include "kvscallback.h"

#include <gst/gst.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void
show_progress (gint percent, gpointer user_data)
{
  gint i, n = percent * 40 / 100;

  fputs ("\r[", stderr);
  for (i = 0; i < 40; i++)
    fputc (i < n ? '#' : ' ', stderr);
  fprintf (stderr, "] %3d%%", percent);
  if (percent >= 100)
    fputc ('\n', stderr);
  fflush (stderr);
}

/* a UTF-8 document on stdout, as it is (g_print would convert it to the
 * locale's charset) */
static void
print_line (const gchar * json)
{
  fputs (json, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

static gchar *
read_request (const gchar * file, gsize * length, GError ** error)
{
  gchar *data = NULL;
  GString *in;
  gchar buf[65536];
  gsize n;

  if (file != NULL && strcmp (file, "-") != 0) {
    if (!g_file_get_contents (file, &data, length, error))
      return NULL;
    return data;
  }
  in = g_string_new (NULL);
  while ((n = fread (buf, 1, sizeof (buf), stdin)) > 0) {
    g_string_append_len (in, buf, n);
    if (in->len > KVS_REQUEST_MAX_BODY)
      break;
  }
  *length = in->len;
  return g_string_free (in, FALSE);
}

int
main (int argc, char **argv)
{
  gchar *root = NULL, *action = NULL;
  gboolean quiet = FALSE;
  GOptionEntry entries[] = {
    {"root", 'r', 0, G_OPTION_ARG_FILENAME, &root,
        "The directory whose subdirectories are the buckets (default: the "
          "current directory)", "DIR"},
    {"action", 'a', 0, G_OPTION_ARG_STRING, &action,
        "The request's Action: CreateWaveTask or CreateTask (default: "
          "CreateWaveTask for the wave preset, else CreateTask)", "ACTION"},
    {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress bar", NULL},
    {NULL}
  };
  GOptionContext *ctx;
  GError *err = NULL;
  KvsRequest *r;
  KvsRunResult res;
  gchar *body, *detail = NULL, *response, *task_id, *src = NULL, *dst = NULL;
  gsize length = 0;
  gint code = 0, status;
  GDateTime *now;

  ctx = g_option_context_new ("[REQUEST.json | -] - run a task request of "
      "the service locally");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    g_printerr ("kvs-task: %s\n", err->message);
    return 2;
  }
  g_option_context_free (ctx);

  body = read_request (argc > 1 ? argv[1] : NULL, &length, &err);
  if (body == NULL) {
    g_printerr ("kvs-task: %s\n", err->message);
    return 2;
  }

  if (action == NULL) {
    /* the reference's request is the wave task's; any other preset is
     * CreateTask's */
    r = kvs_request_parse ("CreateWaveTask", body, length, &code, NULL);
    if (r == NULL && code == KVS_PUBLIC_INVALID_PRESET)
      action = g_strdup ("CreateTask");
    else
      action = g_strdup ("CreateWaveTask");
    kvs_request_free (r);
  }
  r = kvs_request_parse (action, body, length, &code, &detail);
  if (r != NULL && !kvs_request_resolve (r, root != NULL ? root : ".", &src,
          &dst, &code, &detail)) {
    kvs_request_free (r);
    r = NULL;
  }
  if (r == NULL) {
    response = kvs_request_response (NULL, code);
    print_line (response);
    g_printerr ("kvs-task: refused (%d): %s\n", code, detail);
    g_free (response);
    g_free (detail);
    g_free (body);
    return 2;
  }

  now = g_date_time_new_now_local ();
  task_id = kvs_callback_task_id_new (now);
  g_date_time_unref (now);
  response = kvs_request_response (task_id, 0);
  print_line (response);
  g_free (response);

  kvs_run_task (r, src, dst, task_id, !quiet && isatty (2) ? show_progress :
      NULL, NULL, &res);
  if (res.body != NULL)
    print_line (res.body);
  if (res.status != KVS_CALLBACK_SUCCESS)
    status = 1;
  else if (r->cb_url != NULL && !res.delivered)
    status = 3;
  else
    status = 0;
  if (res.error != NULL)
    g_printerr ("kvs-task: %s\n", res.error);
  if (r->cb_url != NULL)
    g_printerr ("kvs-task: callback %s after %u attempt%s\n",
        res.delivered ? "delivered" : "not delivered", res.attempts,
        res.attempts == 1 ? "" : "s");

  kvs_run_result_clear (&res);
  kvs_request_free (r);
  g_free (task_id);
  g_free (src);
  g_free (dst);
  g_free (body);
  g_free (root);
  g_free (action);
  gst_deinit ();
  return status;
}
