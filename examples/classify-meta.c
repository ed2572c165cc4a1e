/* classify-meta: embeds a vkinception pipeline in an application and reads
 * the GstVkInceptionMeta of every buffer with a pad probe.
 *
 *   classify-meta MODEL.onnx [LABELS.txt [FRAMES]]
 *
 * Runs `videotestsrc num-buffers=FRAMES ! vkinception ! fakesink` (FRAMES
 * defaults to 10) and prints one line per frame:
 *
 *   frame 0: class-3 0.5123
 *   frame 1: class-3 0.5124
 *
 * (with "(reused from frame N)" where the element did not classify that
 * frame: interval > 1, or async while busy). Exits with status 1 if the
 * pipeline failed or no buffer carried a meta.
 *
 * Build against an installed gst-vkinception:
 *
 *   cc classify-meta.c -o classify-meta \
 *       $(pkg-config --cflags --libs gstreamer-vkinception-1.0)
 *
 * The plugin is found through the GStreamer registry; from a build tree, set
 * GST_PLUGIN_PATH=build/plugin.
 */
#include <gst/gst.h>
#include <gst/vkinception/vkinceptionmeta.h>

#include <stdlib.h>

typedef struct
{
  GMainLoop *loop;
  guint64 frames;               /* written by the streaming thread only */
  gint frames_with_meta;
  gboolean failed;
} App;

/* Runs in the streaming thread, once per buffer reaching the fakesink. Keep
 * it short: the pipeline waits for it. */
static GstPadProbeReturn
buffer_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  App *app = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstVkInceptionMeta *meta = gst_buffer_get_vk_inception_meta (buf);
  guint64 frame = app->frames++;

  if (meta) {
    if (meta->n_classes > 0) {
      /* classes[] is sorted, best first; there are at most top-k of them,
       * fewer with a threshold. */
      g_print ("frame %" G_GUINT64_FORMAT ": %s %.4f", frame,
          meta->classes[0].label, meta->classes[0].score);
    } else {
      g_print ("frame %" G_GUINT64_FORMAT ": (no class above the threshold)",
          frame);
    }
    if (meta->reused)
      g_print (" (reused from frame %" G_GUINT64_FORMAT ")",
          meta->source_frame);
    g_print ("\n");
    g_atomic_int_inc (&app->frames_with_meta);
  } else {
    g_print ("frame %" G_GUINT64_FORMAT ": no meta\n", frame);
  }
  return GST_PAD_PROBE_OK;
}

/* Runs in the main loop's thread. */
static gboolean
bus_watch (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  App *app = user_data;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:{
      GError *err = NULL;
      gchar *debug = NULL;
      gst_message_parse_error (msg, &err, &debug);
      g_printerr ("error from %s: %s\n%s\n", GST_OBJECT_NAME (msg->src),
          err->message, debug ? debug : "");
      g_clear_error (&err);
      g_free (debug);
      app->failed = TRUE;
      g_main_loop_quit (app->loop);
      break;
    }
    case GST_MESSAGE_WARNING:{
      GError *err = NULL;
      gst_message_parse_warning (msg, &err, NULL);
      g_printerr ("warning from %s: %s\n", GST_OBJECT_NAME (msg->src),
          err->message);
      g_clear_error (&err);
      break;
    }
    case GST_MESSAGE_EOS:
      g_main_loop_quit (app->loop);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  App app = { 0 };
  GstElement *pipeline, *classifier, *sink;
  GstPad *pad;
  GstBus *bus;
  guint watch;
  gchar *description;
  guint frames = 10;
  GError *error = NULL;

  gst_init (&argc, &argv);
  if (argc < 2 || argc > 4) {
    g_printerr ("usage: %s MODEL.onnx [LABELS.txt [FRAMES]]\n", argv[0]);
    return 2;
  }
  if (argc > 3)
    frames = (guint) g_ascii_strtoull (argv[3], NULL, 10);

  /* The model and labels are set as properties rather than written into
   * the description, so that file names need no quoting. */
  description = g_strdup_printf ("videotestsrc num-buffers=%u ! "
      "vkinception name=classifier ! fakesink name=sink", frames);
  pipeline = gst_parse_launch (description, &error);
  g_free (description);
  if (!pipeline) {
    g_printerr ("%s (is GST_PLUGIN_PATH set?)\n", error->message);
    g_clear_error (&error);
    return 1;
  }
  classifier = gst_bin_get_by_name (GST_BIN (pipeline), "classifier");
  g_object_set (classifier, "model", argv[1], NULL);
  if (argc > 2 && argv[2][0])
    g_object_set (classifier, "labels", argv[2], NULL);
  gst_object_unref (classifier);

  /* Any pad downstream of vkinception sees the meta: here the sink's. */
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, buffer_probe, &app,
      NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);

  app.loop = g_main_loop_new (NULL, FALSE);
  bus = gst_element_get_bus (pipeline);
  watch = gst_bus_add_watch (bus, bus_watch, &app);

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    /* A model that cannot be loaded, say: the reason is an error message
     * already on the bus. */
    GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    if (msg) {
      bus_watch (bus, msg, &app);
      gst_message_unref (msg);
    }
    app.failed = TRUE;
  } else {
    g_main_loop_run (app.loop);
  }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_source_remove (watch);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_main_loop_unref (app.loop);

  if (app.failed)
    return 1;
  if (g_atomic_int_get (&app.frames_with_meta) == 0) {
    g_printerr ("no buffer carried a GstVkInceptionMeta\n");
    return 1;
  }
  g_print ("%d frames with a meta\n", g_atomic_int_get (&app.frames_with_meta));
  return 0;
}
