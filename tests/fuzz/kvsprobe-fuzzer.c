/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* libFuzzer target for kvsprobe.
 *
 * Every input is read by kvsprobe four times, as the service's pipelines
 * read a file: `filesrc ! kvsprobe` (pull mode, libavformat reads at
 * random) and `filesrc ! queue ! kvsprobe` (push mode, the bytes are kept
 * in a temporary file and read at EOS), each with format=metainfo and
 * format=outmediainfo. Each run must end, within KVS_FUZZ_WAIT_S seconds,
 * with EOS after exactly one `kvsprobe` element message whose `json`
 * field is a JSON object, or with an error from kvsprobe whose details
 * carry an int `kvs-errnum`. Anything else aborts, as do GLib criticals,
 * so that libFuzzer reports it with the input.
 *
 * The bytes reach filesrc through a memfd (/proc/self/fd/N): an in-memory
 * regular file, so filesrc offers pull mode exactly as it does for a file
 * on disk, with no disk I/O and nothing to clean up. The pipelines are the
 * ones users write; no test source stands in for filesrc.
 *
 * Then kvssnapshot's reading of the same input, ffmpeg's timeline of it
 * (kvs_av_timeline: libavformat opens it and libavcodec decodes its first
 * picture), runs in-process; it must return, with or without a timeline.
 *
 * Reproduce a finding with `kvsprobe-fuzzer FILE`, or with
 * `gst-launch-1.0 filesrc location=FILE ! kvsprobe` on a normal build.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "kvsavprobe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* the kvs plugin, linked in and registered statically: exported by
 * GST_PLUGIN_DEFINE in gst/kvs/plugin.c */
const GstPluginDesc *gst_plugin_kvs_get_desc (void);

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

/* a run that neither ends nor fails in this time is a hang */
#define KVS_FUZZ_WAIT_S 10

static int input_fd = -1;
static gchar *input_location;
/* KVS_FUZZ_VERBOSE=1: one line per run, how it ended */
static gboolean verbose;

static void
fail (const gchar * what, const gchar * mode, const gchar * format,
    const gchar * detail)
{
  fprintf (stderr, "kvsprobe-fuzzer: %s (%s mode, format=%s)%s%s\n", what,
      mode, format, detail ? ": " : "", detail ? detail : "");
  fflush (stderr);
  abort ();
}

static void
set_input (const guint8 * data, size_t size)
{
  size_t done = 0;

  if (ftruncate (input_fd, 0) != 0)
    fail ("ftruncate of the memfd failed", "-", "-", g_strerror (errno));
  while (done < size) {
    ssize_t n = pwrite (input_fd, data + done, size - done, (off_t) done);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      fail ("writing the memfd failed", "-", "-", g_strerror (errno));
    done += n;
  }
}

static void
check_document (const GstStructure * s, const gchar * mode,
    const gchar * format)
{
  const gchar *json = gst_structure_get_string (s, "json");
  JsonParser *parser;
  JsonNode *root;
  GError *err = NULL;

  if (json == NULL)
    fail ("the kvsprobe message has no json string", mode, format, NULL);
  if (!g_utf8_validate (json, -1, NULL))
    fail ("the document is not UTF-8", mode, format, NULL);

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, -1, &err))
    fail ("the document does not parse as JSON", mode, format, err->message);
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    fail ("the document is not a JSON object", mode, format, NULL);
  if (verbose)
    fprintf (stderr, "kvsprobe-fuzzer: %s %s: a document of %zu bytes\n",
        mode, format, strlen (json));
  g_object_unref (parser);
}

static void
check_error (GstMessage * msg, GstElement * probe, const gchar * mode,
    const gchar * format)
{
  const GstStructure *details = NULL;
  GError *err = NULL;
  gchar *dbg = NULL;
  gint errnum;

  gst_message_parse_error (msg, &err, &dbg);
  /* upstream's errors (filesrc, queue) are not kvsprobe's to explain */
  if (GST_MESSAGE_SRC (msg) == GST_OBJECT (probe)) {
    gst_message_parse_error_details (msg, &details);
    if (details == NULL || !gst_structure_get_int (details, "kvs-errnum",
            &errnum))
      fail ("a kvsprobe error has no int kvs-errnum in its details", mode,
          format, err->message);
  }
  if (verbose)
    fprintf (stderr, "kvsprobe-fuzzer: %s %s: error from %s: %s\n", mode,
        format, GST_MESSAGE_SRC_NAME (msg), err->message);
  g_clear_error (&err);
  g_free (dbg);
}

static void
run_once (gboolean pull, const gchar * format)
{
  const gchar *mode = pull ? "pull" : "push";
  GstElement *pipeline, *src, *queue = NULL, *probe;
  GstBus *bus;
  gint64 deadline;
  guint documents = 0;
  gboolean ended = FALSE;

  pipeline = gst_pipeline_new (NULL);
  src = gst_element_factory_make ("filesrc", NULL);
  probe = gst_element_factory_make ("kvsprobe", NULL);
  if (src == NULL || probe == NULL)
    fail ("filesrc or kvsprobe is missing", mode, format, NULL);
  g_object_set (src, "location", input_location, NULL);
  gst_util_set_object_arg (G_OBJECT (probe), "format", format);
  gst_bin_add_many (GST_BIN (pipeline), src, probe, NULL);
  if (pull) {
    if (!gst_element_link (src, probe))
      fail ("could not link", mode, format, NULL);
  } else {
    queue = gst_element_factory_make ("queue", NULL);
    if (queue == NULL)
      fail ("queue is missing", mode, format, NULL);
    gst_bin_add (GST_BIN (pipeline), queue);
    if (!gst_element_link_many (src, queue, probe, NULL))
      fail ("could not link", mode, format, NULL);
  }

  bus = gst_element_get_bus (pipeline);
  deadline = g_get_monotonic_time () + KVS_FUZZ_WAIT_S * G_TIME_SPAN_SECOND;
  /* a failure to start posts its error, read below */
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  while (!ended) {
    gint64 left = deadline - g_get_monotonic_time ();
    GstMessage *msg;

    if (left <= 0)
      fail ("no EOS and no error in " G_STRINGIFY (KVS_FUZZ_WAIT_S) " s",
          mode, format, NULL);
    msg = gst_bus_timed_pop_filtered (bus, left * GST_USECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT);
    if (msg == NULL)
      continue;

    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_ELEMENT:
        if (GST_MESSAGE_SRC (msg) == GST_OBJECT (probe) &&
            gst_message_has_name (msg, "kvsprobe")) {
          documents++;
          check_document (gst_message_get_structure (msg), mode, format);
        }
        break;
      case GST_MESSAGE_ERROR:
        check_error (msg, probe, mode, format);
        ended = TRUE;
        break;
      case GST_MESSAGE_EOS:
        if (documents != 1)
          fail (documents ? "EOS after more than one document" :
              "EOS without a document", mode, format, NULL);
        ended = TRUE;
        break;
      default:
        break;
    }
    gst_message_unref (msg);
  }

  if (gst_element_set_state (pipeline, GST_STATE_NULL) ==
      GST_STATE_CHANGE_FAILURE)
    fail ("could not shut the pipeline down", mode, format, NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

static void
run_all (void)
{
  run_once (TRUE, "metainfo");
  run_once (TRUE, "outmediainfo");
  run_once (FALSE, "metainfo");
  run_once (FALSE, "outmediainfo");
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  const GstPluginDesc *desc;
  const gchar *core;
  GstPlugin *plugin;
  GError *err = NULL;
  static const guint8 warmup[] = "not a media file";

  verbose = g_getenv ("KVS_FUZZ_VERBOSE") != NULL;

  /* criticals are bugs: they abort, and libFuzzer keeps the input */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  /* no registry: only the two plugins named here, whatever is installed
   * (an installed kvs plugin must not stand in for the one linked in) */
  g_setenv ("GST_REGISTRY_DISABLE", "yes", TRUE);
  g_setenv ("GST_PLUGIN_SYSTEM_PATH_1_0", "", TRUE);
  g_setenv ("GST_PLUGIN_PATH_1_0", "", TRUE);
  gst_init (NULL, NULL);

  core = g_getenv ("KVS_FUZZ_COREELEMENTS");
  if (core == NULL || *core == '\0')
    core = KVS_FUZZ_COREELEMENTS;
  plugin = gst_plugin_load_file (core, &err);
  if (plugin == NULL) {
    fprintf (stderr, "kvsprobe-fuzzer: cannot load %s: %s\n", core,
        err->message);
    exit (1);
  }
  gst_object_unref (plugin);

  desc = gst_plugin_kvs_get_desc ();
  if (!gst_plugin_register_static (desc->major_version, desc->minor_version,
          desc->name, desc->description, desc->plugin_init, desc->version,
          desc->license, desc->source, desc->package, desc->origin)) {
    fprintf (stderr, "kvsprobe-fuzzer: cannot register the kvs plugin\n");
    exit (1);
  }

  input_fd = memfd_create ("kvsprobe-fuzz-input", MFD_CLOEXEC);
  if (input_fd < 0) {
    fprintf (stderr, "kvsprobe-fuzzer: memfd_create: %s\n", g_strerror (errno));
    exit (1);
  }
  input_location = g_strdup_printf ("/proc/self/fd/%d", input_fd);

  /* the one-time allocations (class and type registration, thread pools,
   * libavformat's tables) happen here, before libFuzzer counts leaks */
  set_input (warmup, sizeof (warmup) - 1);
  run_all ();
  set_input (NULL, 0);
  run_all ();

  return 0;
}

static gint
memory_read (gpointer user_data, guint64 offset, guint8 * buf, gint size)
{
  GBytes *bytes = user_data;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  if (offset >= len)
    return 0;
  size = (gint) MIN ((gsize) size, len - offset);
  memcpy (buf, data + offset, size);
  return size;
}

static void
run_timeline (const guint8 * data, size_t size)
{
  GBytes *bytes = g_bytes_new_static (data, size);
  KvsAvInput input = { memory_read, NULL, bytes, (gint64) size, "input" };
  KvsAvTimeline tl;
  GError *err = NULL;

  if (!kvs_av_timeline (&input, &tl, &err)) {
    if (err == NULL)
      fail ("kvs_av_timeline failed without an error", "timeline", "-", NULL);
    g_clear_error (&err);
  } else if (err != NULL) {
    fail ("kvs_av_timeline set an error and succeeded", "timeline", "-",
        err->message);
  }
  g_bytes_unref (bytes);
}

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  set_input (data, size);
  run_all ();
  run_timeline (data, size);
  return 0;
}
