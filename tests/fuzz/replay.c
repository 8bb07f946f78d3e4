/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs fuzz inputs through a target without libFuzzer, with any compiler:
 * each file named on the command line, and every file of each directory
 * named there, once. The test suite replays the seed corpora this way, so
 * that an input that once crashed a target stays harmless. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static void
replay_file (const char *path,
             guint      *count)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize            length;

  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("%s", error->message);

  /* Before the run, so that the log of a crash names the input. */
  fprintf (stderr, "replaying %s (%" G_GSIZE_FORMAT " bytes)\n", path, length);
  fflush (stderr);
  /* A copy of exactly the file's size, so that AddressSanitizer sees a
   * read past the end as libFuzzer would. */
  {
    g_autofree guint8 *copy = g_memdup2 (contents, length);
    LLVMFuzzerTestOneInput (copy, length);
  }
  (*count)++;
}

static void
replay_directory (const char *path,
                  guint      *count)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    g_error ("%s", error->message);

  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    if (g_file_test (g_ptr_array_index (names, i), G_FILE_TEST_IS_REGULAR))
      replay_file (g_ptr_array_index (names, i), count);
}

int
main (int   argc,
      char *argv[])
{
  guint count = 0;

  if (argc < 2)
    {
      fprintf (stderr, "Usage: %s FILE-OR-DIRECTORY…\n", argv[0]);
      return 2;
    }

  for (int i = 1; i < argc; i++)
    {
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        replay_directory (argv[i], &count);
      else
        replay_file (argv[i], &count);
    }

  if (count == 0)
    {
      fprintf (stderr, "No input to replay\n");
      return 1;
    }

  fprintf (stderr, "%u inputs replayed without a crash\n", count);
  return 0;
}
