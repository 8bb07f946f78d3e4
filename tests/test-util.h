/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Small helpers shared by the tests: run the main loop until an async call
 * has answered, and a scripted browser. */

#include <libsoup/soup.h>

G_BEGIN_DECLS

static inline void
test_store_result (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static inline GAsyncResult *
test_wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

typedef struct
{
  guint   status;
  char   *body;
  char   *final_uri;
  GError *error;
} TestPage;

static inline void
test_page_free (TestPage *page)
{
  g_free (page->body);
  g_free (page->final_uri);
  g_clear_error (&page->error);
  g_free (page);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestPage, test_page_free)

/**
 * test_browse:
 *
 * What a browser does with a URL: GET it, follow redirects, read the page.
 * The main loop runs meanwhile, so servers in this process answer.
 */
static inline TestPage *
test_browse (const char *method,
             const char *url)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  TestPage *page = g_new0 (TestPage, 1);

  g_assert_nonnull (message);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL,
                                    test_store_result, &result);
  test_wait_result (&result);

  body = soup_session_send_and_read_finish (session, result, &page->error);
  page->status = soup_message_get_status (message);
  page->final_uri = g_uri_to_string (soup_message_get_uri (message));
  if (body != NULL)
    page->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  return page;
}

G_END_DECLS
