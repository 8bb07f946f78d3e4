/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-caller-tracker.h"

G_BEGIN_DECLS

/**
 * LanyardPolicyMember:
 * @LANYARD_POLICY_METHOD: a method call
 * @LANYARD_POLICY_PROPERTY: a property read (`Get`, or one property of
 *   `GetAll`); every property is read-only
 */
typedef enum
{
  LANYARD_POLICY_METHOD,
  LANYARD_POLICY_PROPERTY,
} LanyardPolicyMember;

/**
 * LanyardPolicyWho:
 * @LANYARD_POLICY_ANY_PROGRAM: every program of the user, sandboxed or not
 *   (who the user is)
 * @LANYARD_POLICY_HOST_PROGRAM: programs of the user outside a sandbox
 * @LANYARD_POLICY_TOKEN_READER: every program of the user; a sandboxed
 *   one then needs the person's consent, which the method's handler asks
 *   for (#LanyardConsent) before it answers
 * @LANYARD_POLICY_FLOW_STARTER: only the connection that started the
 *   sign-in
 * @LANYARD_POLICY_BUS_ANSWERED: answered by GDBus itself, not by Lanyard's
 *   code (the object manager's GetManagedObjects): every connection the
 *   bus lets in; it carries only what the @LANYARD_POLICY_ANY_PROGRAM
 *   properties carry
 */
typedef enum
{
  LANYARD_POLICY_ANY_PROGRAM,
  LANYARD_POLICY_HOST_PROGRAM,
  LANYARD_POLICY_TOKEN_READER,
  LANYARD_POLICY_FLOW_STARTER,
  LANYARD_POLICY_BUS_ANSWERED,
} LanyardPolicyWho;

typedef struct
{
  const char         *interface;
  LanyardPolicyMember kind;
  const char         *member;
  LanyardPolicyWho    who;
} LanyardPolicyRule;

/* The longest string argument (and provider:account-id key) read, in bytes,
 * and the most elements of any array or dictionary argument. */
#define LANYARD_POLICY_MAX_STRING_LENGTH 512
#define LANYARD_POLICY_MAX_ELEMENTS 64

const LanyardPolicyRule *lanyard_policy_get_rules (guint *n_rules);
const LanyardPolicyRule *lanyard_policy_lookup (const char         *interface,
                                                LanyardPolicyMember kind,
                                                const char         *member);
gboolean                 lanyard_policy_allows (const LanyardCaller *caller,
                                                const char          *interface,
                                                LanyardPolicyMember  kind,
                                                const char          *member,
                                                const char          *flow_starter,
                                                GError             **error);
gboolean                 lanyard_policy_check_arguments (GVariant *parameters,
                                                         GError  **error);
void                     lanyard_policy_guard (GDBusInterfaceSkeleton *skeleton,
                                               LanyardCallerTracker   *callers,
                                               const char             *flow_starter);
GDBusInterfaceVTable    *lanyard_policy_guarded_vtable (GDBusInterfaceSkeleton *skeleton,
                                                        GDBusInterfaceVTable   *storage,
                                                        gsize                  *once);
gboolean                 lanyard_policy_authorize_method (LanyardCallerTracker  *callers,
                                                          GDBusMethodInvocation *invocation,
                                                          const char            *flow_starter);
gboolean                 lanyard_policy_authorize_property (LanyardCallerTracker *callers,
                                                            const char           *sender,
                                                            const char           *interface,
                                                            const char           *property,
                                                            const char           *flow_starter,
                                                            GError              **error);

G_END_DECLS
