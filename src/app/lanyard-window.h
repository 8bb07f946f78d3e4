/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lanyard-application.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_WINDOW (lanyard_window_get_type ())
G_DECLARE_FINAL_TYPE (LanyardWindow, lanyard_window, LANYARD, WINDOW, AdwApplicationWindow)

LanyardWindow *lanyard_window_new (LanyardApplication *application);
gboolean       lanyard_window_is_ready (LanyardWindow *self);
guint          lanyard_window_get_n_accounts (LanyardWindow *self);
GtkWidget     *lanyard_window_find_provider_row (LanyardWindow *self,
                                                 const char    *provider_id);
GtkWidget     *lanyard_window_find_account_row (LanyardWindow *self,
                                                const char    *path);
void           lanyard_window_show_account (LanyardWindow *self,
                                            const char    *path);
GtkWidget     *lanyard_window_get_account_page (LanyardWindow *self);
const char    *lanyard_window_get_page (LanyardWindow *self);
const char    *lanyard_window_get_last_toast (LanyardWindow *self);

G_END_DECLS
