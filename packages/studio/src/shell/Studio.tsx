import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { AccountPage } from "../accounts/AccountPage.tsx";
import { AuditLogPage } from "../accounts/AuditLogPage.tsx";
import { AccountsApiContext, createAccountsApi } from "../accounts/accounts-api.ts";
import { RolesPage } from "../accounts/RolesPage.tsx";
import { UserPage } from "../accounts/UserPage.tsx";
import { UsersPage } from "../accounts/UsersPage.tsx";
import { createSessionHttpClient } from "../api/client.ts";
import { type ConfluxApi, createConfluxApi } from "../api/conflux-api.ts";
import { loadSession, type Session, saveSession, sessionKey } from "../api/session.ts";
import { ConsoleApiContext, createConsoleApi } from "../console/console-api.ts";
import { DevicePage } from "../console/DevicePage.tsx";
import { DevicesPage } from "../console/DevicesPage.tsx";
import { FilesPage } from "../console/FilesPage.tsx";
import { AppPage } from "../pages/AppPage.tsx";
import { AppsPage } from "../pages/AppsPage.tsx";
import { AuthPage } from "../pages/AuthPage.tsx";
import { CredentialsPage } from "../pages/CredentialsPage.tsx";
import { FailedDeliveriesPage } from "../pages/FailedDeliveriesPage.tsx";
import { HistoryPage } from "../pages/HistoryPage.tsx";
import { LogOutPage } from "../pages/LogOutPage.tsx";
import { NotFoundPage } from "../pages/NotFoundPage.tsx";
import { ResetPasswordPage } from "../pages/ResetPasswordPage.tsx";
import { RunPage } from "../pages/RunPage.tsx";
import { VerifyEmailPage } from "../pages/VerifyEmailPage.tsx";
import { VersionPage } from "../pages/VersionPage.tsx";
import { isProviderPath } from "../provider/provider-routes.ts";
import { BillingPage } from "../service/BillingPage.tsx";
import { OutagesPage } from "../service/OutagesPage.tsx";
import { PlanPage } from "../service/PlanPage.tsx";
import { createServiceApi, ServiceApiContext } from "../service/service-api.ts";
import { reportingSuspension, SuspensionRefusalContext } from "../service/suspension.tsx";
import { UsagePage } from "../service/UsagePage.tsx";
import { ToastProvider, useToast } from "../ui/Toast.tsx";
import { ErrorBoundary } from "./ErrorBoundary.tsx";
import { Layout } from "./Layout.tsx";
import { PermissionsContext, useSessionPermissions } from "./permissions.tsx";
import { matchRoute, Router, useRouter } from "./router.tsx";
import { StudioContext, type StudioContextValue } from "./studio-context.tsx";

function Pages() {
  const { pathname, navigate } = useRouter();
  const route = matchRoute(pathname);
  switch (route.page) {
    case "apps":
      return <AppsPage />;
    case "app":
      return <AppPage appId={route.appId} />;
    case "history":
      return <HistoryPage appId={route.appId} />;
    case "run":
      return <RunPage appId={route.appId} runId={route.runId} />;
    case "version":
      return <VersionPage appId={route.appId} version={route.version} />;
    case "credentials":
      return <CredentialsPage />;
    case "devices":
      return <DevicesPage />;
    case "device":
      return <DevicePage deviceId={route.deviceId} />;
    case "files":
      return <FilesPage />;
    case "failed-deliveries":
      return <FailedDeliveriesPage />;
    case "users":
      return <UsersPage />;
    case "user":
      return <UserPage userName={route.userName} />;
    case "roles":
      return <RolesPage />;
    case "audit-log":
      return <AuditLogPage />;
    case "account":
      return <AccountPage />;
    case "usage":
      return <UsagePage />;
    case "plan":
      return <PlanPage />;
    case "billing":
      return <BillingPage />;
    case "outages":
      return <OutagesPage />;
    case "logout":
      return <LogOutPage />;
    default:
      return <NotFoundPage onHome={() => navigate("/apps")} />;
  }
}

/**
 * Where `?next=` may send the browser after log-in: a path on this origin. Browsers read `/\host` like
 * `//host`, so the check is the URL's origin, not the text's first characters.
 */
function pathOnThisOrigin(next: string | null): string | undefined {
  if (!next?.startsWith("/")) return undefined;
  const url = new URL(next, window.location.origin);
  return url.origin === window.location.origin ? `${url.pathname}${url.search}${url.hash}` : undefined;
}

function Shell() {
  const { pathname, search, navigate } = useRouter();
  const toast = useToast();
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const [suspensionRefusal, setSuspensionRefusal] = useState<string>();

  const endSession = useCallback(
    (reason?: string) => {
      saveSession(undefined);
      setSession(undefined);
      setSuspensionRefusal(undefined);
      if (reason) toast.show(reason, "error");
    },
    [toast],
  );
  // Every tab shares the cookie, and learns here when another tab signs in, switches or signs out.
  useEffect(() => {
    const follow = (event: StorageEvent) => {
      if (event.key === sessionKey || event.key === null) setSession(loadSession());
    };
    window.addEventListener("storage", follow);
    return () => window.removeEventListener("storage", follow);
  }, []);
  const apiRef = useRef<ConfluxApi>(undefined);
  const onUnauthorized = useCallback(() => {
    // A partner's switched session is short-lived: when it ends, the partner is back in its own account.
    const ended = loadSession();
    // Calls made side by side (a page and the banners above it) all answer 401: one message is enough.
    if (!ended) return;
    const partner = ended.actingFrom;
    if (!partner) return endSession("Your session expired. Log in again.");
    saveSession(undefined);
    apiRef.current?.switchBack().then(
      () => {
        saveSession(partner);
        setSession(partner);
        toast.show("The customer's session ended; you are back in your own account.", "error");
      },
      () => endSession("Your session expired. Log in again."),
    );
  }, [endSession, toast]);
  const http = useMemo(
    () =>
      reportingSuspension(
        createSessionHttpClient(() => loadSession() !== undefined, onUnauthorized),
        setSuspensionRefusal,
      ),
    [onUnauthorized],
  );
  const api = useMemo(() => createConfluxApi(http), [http]);
  apiRef.current = api;
  const consoleApi = useMemo(() => createConsoleApi(http), [http]);
  const operatorId = useCallback(() => loadSession()?.operatorId ?? "", []);
  const accountsApi = useMemo(() => createAccountsApi(http, operatorId), [http, operatorId]);
  const serviceApi = useMemo(() => createServiceApi(http, operatorId), [http, operatorId]);
  const permissions = useSessionPermissions(session, accountsApi.allowedApiNames);
  const value: StudioContextValue = useMemo(
    () => ({
      api,
      session,
      logIn(next) {
        saveSession(next);
        setSession(next);
        setSuspensionRefusal(undefined);
      },
      async logOut() {
        try {
          await api.logOut();
        } finally {
          endSession();
          navigate("/login", { replace: true });
        }
      },
    }),
    [api, session, endSession, navigate],
  );

  const route = matchRoute(pathname);
  const onAuthPage = route.page === "login" || route.page === "signup";
  // Pages opened from a mailed link: they work the same with or without a session.
  const onMailedLinkPage = route.page === "reset-password" || route.page === "verify-email";
  useEffect(() => {
    if (onMailedLinkPage) return;
    if (!session && !onAuthPage) {
      const comeBack = pathname !== "/" && route.page !== "logout";
      const next = comeBack ? `?next=${encodeURIComponent(pathname + search)}` : "";
      navigate(`/login${next}`, { replace: true });
    } else if (session && onAuthPage) {
      navigate(pathOnThisOrigin(new URLSearchParams(search).get("next")) ?? "/apps", { replace: true });
    }
  }, [session, onAuthPage, onMailedLinkPage, pathname, search, navigate, route.page]);

  return (
    <StudioContext.Provider value={value}>
      <ConsoleApiContext.Provider value={consoleApi}>
        <AccountsApiContext.Provider value={accountsApi}>
          <PermissionsContext.Provider value={permissions}>
            <ServiceApiContext.Provider value={serviceApi}>
              <SuspensionRefusalContext.Provider value={suspensionRefusal}>
                {route.page === "reset-password" ? (
                  <ResetPasswordPage />
                ) : route.page === "verify-email" ? (
                  <VerifyEmailPage />
                ) : onAuthPage || !session ? (
                  <AuthPage mode={route.page === "signup" ? "signup" : "login"} />
                ) : (
                  <Layout>
                    <ErrorBoundary resetKey={pathname}>
                      {/* A new address is a new page: nothing a page holds (a followed run, filters,
                      a pending error) carries over, e.g. from a run to its replay. */}
                      <Pages key={pathname} />
                    </ErrorBoundary>
                  </Layout>
                )}
              </SuspensionRefusalContext.Provider>
            </ServiceApiContext.Provider>
          </PermissionsContext.Provider>
        </AccountsApiContext.Provider>
      </ConsoleApiContext.Provider>
    </StudioContext.Provider>
  );
}

// Only provider admins open it: operators never download its code.
const ProviderConsole = lazy(() =>
  import("../provider/ProviderConsole.tsx").then((module) => ({ default: module.ProviderConsole })),
);

/** The operators' console, or under /provider the provider's, each with its own session. */
function Consoles() {
  const { pathname } = useRouter();
  if (!isProviderPath(pathname)) return <Shell />;
  return (
    <Suspense fallback={<p className="cfx-muted">Loading…</p>}>
      <ProviderConsole />
    </Suspense>
  );
}

/** The studio: routing, toasts, the session and the API client around the pages. */
export function Studio() {
  return (
    <ToastProvider>
      <Router>
        <Consoles />
      </Router>
    </ToastProvider>
  );
}
