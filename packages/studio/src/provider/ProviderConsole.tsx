import { useCallback, useEffect, useMemo, useState } from "react";
import { createSessionHttpClient } from "../api/client.ts";
import { NotFoundPage } from "../pages/NotFoundPage.tsx";
import { ErrorBoundary } from "../shell/ErrorBoundary.tsx";
import { Link, useRouter } from "../shell/router.tsx";
import { ThemeToggle } from "../shell/ThemeToggle.tsx";
import { Button } from "../ui/Button.tsx";
import { useToast } from "../ui/Toast.tsx";
import { MaintenancePage } from "./MaintenancePage.tsx";
import { NoticesPage } from "./NoticesPage.tsx";
import { OperatorPage } from "./OperatorPage.tsx";
import { OperatorsPage } from "./OperatorsPage.tsx";
import { OverduePage } from "./OverduePage.tsx";
import { PaymentsPage } from "./PaymentsPage.tsx";
import { PlansPage } from "./PlansPage.tsx";
import { ProviderCouponsPage } from "./ProviderCouponsPage.tsx";
import { ProviderOutagesPage } from "./ProviderOutagesPage.tsx";
import { ProviderSignInPage } from "./ProviderSignInPage.tsx";
import { ProviderUsagePage } from "./ProviderUsagePage.tsx";
import { createProviderApi, ProviderApiContext } from "./provider-api.ts";
import { matchProviderRoute, type ProviderRoute, providerPathOf } from "./provider-routes.ts";
import {
  loadProviderSession,
  type ProviderSession,
  providerSessionKey,
  saveProviderSession,
} from "./provider-session.ts";

const sections: { page: ProviderRoute["page"]; label: string }[] = [
  { page: "operators", label: "Operators" },
  { page: "plans", label: "Plans" },
  { page: "usage", label: "Usage" },
  { page: "notices", label: "Notices" },
  { page: "maintenance", label: "Maintenance" },
  { page: "outages", label: "Outages" },
  { page: "payments", label: "Payments" },
  { page: "overdue", label: "Overdue" },
  { page: "coupons", label: "Coupons" },
];

function ProviderPages({ route }: { route: ProviderRoute }) {
  const { navigate } = useRouter();
  switch (route.page) {
    case "operators":
      return <OperatorsPage />;
    case "operator":
      return <OperatorPage operatorId={route.operatorId} />;
    case "plans":
      return <PlansPage />;
    case "usage":
      return <ProviderUsagePage />;
    case "notices":
      return <NoticesPage />;
    case "maintenance":
      return <MaintenancePage />;
    case "outages":
      return <ProviderOutagesPage />;
    case "payments":
      return <PaymentsPage />;
    case "overdue":
      return <OverduePage />;
    case "coupons":
      return <ProviderCouponsPage />;
    default:
      return <NotFoundPage onHome={() => navigate(providerPathOf({ page: "operators" }))} />;
  }
}

/**
 * The provider's console at /provider: its own sign-in and session (a provider admin is not an
 * operator), its own navigation, and the pages that run the service for every operator.
 */
export function ProviderConsole() {
  const { pathname, navigate } = useRouter();
  const toast = useToast();
  const [session, setSession] = useState<ProviderSession | undefined>(loadProviderSession);
  const signOut = useCallback(
    (reason?: string) => {
      saveProviderSession(undefined);
      setSession(undefined);
      if (reason) toast.show(reason, "error");
    },
    [toast],
  );
  // Every tab shares the cookie, and learns here when another tab signs in or out.
  useEffect(() => {
    const follow = (event: StorageEvent) => {
      if (event.key === providerSessionKey || event.key === null) setSession(loadProviderSession());
    };
    window.addEventListener("storage", follow);
    return () => window.removeEventListener("storage", follow);
  }, []);
  const api = useMemo(
    () =>
      createProviderApi(
        createSessionHttpClient(
          () => loadProviderSession() !== undefined,
          () => signOut("Your provider session expired. Sign in again."),
        ),
      ),
    [signOut],
  );
  const route = matchProviderRoute(pathname);
  useEffect(() => {
    if (!session && route.page !== "sign-in")
      navigate(providerPathOf({ page: "sign-in" }), { replace: true });
    if (session && route.page === "sign-in")
      navigate(providerPathOf({ page: "operators" }), { replace: true });
  }, [session, route.page, navigate]);

  if (!session)
    return (
      <ProviderSignInPage
        signIn={async (email, password) => {
          const next = await api.signIn(email, password);
          saveProviderSession(next);
          setSession(next);
        }}
      />
    );
  const current = route.page === "operator" ? "operators" : route.page;
  return (
    <ProviderApiContext.Provider value={api}>
      <div className="cfx-layout cfx-layout--provider">
        <a className="cfx-skip-link" href="#main">
          Skip to content
        </a>
        <header className="cfx-header">
          <Link className="cfx-header__brand" to={providerPathOf({ page: "operators" })} aria-current={false}>
            Conflux provider console
          </Link>
          <span className="cfx-header__spacer" />
          <ThemeToggle />
          <div className="cfx-header__identity">
            <span className="cfx-visually-hidden">Signed in as</span>
            <span data-testid="provider-admin">{session.email}</span>
          </div>
          <Button
            size="small"
            onClick={() => {
              // Ends the token on the server and clears the cookie; the console forgets the session at once.
              void api.signOut().catch(() => undefined);
              signOut();
            }}
          >
            Sign out
          </Button>
        </header>
        <nav className="cfx-nav" aria-label="Provider">
          <ul>
            {sections.map((section) => (
              <li key={section.page}>
                <Link
                  to={providerPathOf({ page: section.page } as ProviderRoute)}
                  aria-current={section.page === current ? "page" : undefined}
                >
                  {section.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main className="cfx-main" id="main" tabIndex={-1}>
          <ErrorBoundary resetKey={pathname}>
            <ProviderPages key={pathname} route={route} />
          </ErrorBoundary>
        </main>
      </div>
    </ProviderApiContext.Provider>
  );
}
