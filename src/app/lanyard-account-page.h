/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lanyard-client-generated.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_ACCOUNT_PAGE (lanyard_account_page_get_type ())
G_DECLARE_FINAL_TYPE (LanyardAccountPage, lanyard_account_page, LANYARD, ACCOUNT_PAGE, AdwBin)

GtkWidget          *lanyard_account_page_new (void);
void                lanyard_account_page_set_account (LanyardAccountPage *self,
                                                      LanyardDBusAccount *account,
                                                      const char         *provider_name,
                                                      const char         *server,
                                                      const char         *icon_name,
                                                      gboolean            current);
void                lanyard_account_page_set_current (LanyardAccountPage *self,
                                                      gboolean            current);
LanyardDBusAccount *lanyard_account_page_get_account (LanyardAccountPage *self);
void                lanyard_account_page_reload_apps (LanyardAccountPage *self);
GtkWidget          *lanyard_account_page_find_app_switch (LanyardAccountPage *self,
                                                          const char         *app_id);
GtkWidget          *lanyard_account_page_get_make_primary_button (LanyardAccountPage *self);
GtkWidget          *lanyard_account_page_get_remove_button (LanyardAccountPage *self);
char               *lanyard_account_page_format_linked (gint64 linked_at,
                                                        gint64 now);
char               *lanyard_account_page_format_expiry (gint64 expires_at,
                                                        gint64 now);
char               *lanyard_account_page_format_refresh (gint64 last_refresh,
                                                         gint64 now);

G_END_DECLS
