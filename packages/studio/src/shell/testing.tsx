import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { type AccountsApi, AccountsApiContext } from "../accounts/accounts-api.ts";
import type { ConfluxApi } from "../api/conflux-api.ts";
import { type ServiceApi, ServiceApiContext } from "../service/service-api.ts";
import { ToastProvider } from "../ui/Toast.tsx";
import { type Permissions, PermissionsContext } from "./permissions.tsx";
import { Router } from "./router.tsx";
import { StudioContext, type StudioContextValue } from "./studio-context.tsx";

/** What the shell's banners and switcher ask on every page, answered as for an ordinary operator. */
const quietService: Partial<ServiceApi> = {
  listNotices: async () => ({ notices: [], maintenance: [] }),
  getStanding: async () => ({ status: "active" }),
  listCustomers: async () => [],
};

/**
 * Renders a page as the shell would, logged in, with `api` (and `accounts`, `service`) standing in for
 * the parts it calls, and `permissions` for what the signed-in principal may call (everything by default).
 */
export function renderPage(
  page: ReactNode,
  api: Partial<ConfluxApi>,
  overrides: Partial<StudioContextValue> = {},
  accounts: Partial<AccountsApi> = {},
  permissions: Permissions = { can: () => true, known: true },
  service: Partial<ServiceApi> = {},
) {
  const value: StudioContextValue = {
    api: api as ConfluxApi,
    session: { operatorId: "OP0000000001", email: "me@example.com" },
    logIn: () => {},
    logOut: async () => {},
    ...overrides,
  };
  return render(
    <ToastProvider>
      <Router>
        <StudioContext.Provider value={value}>
          <AccountsApiContext.Provider value={accounts as AccountsApi}>
            <ServiceApiContext.Provider value={{ ...quietService, ...service } as ServiceApi}>
              <PermissionsContext.Provider value={permissions}>{page}</PermissionsContext.Provider>
            </ServiceApiContext.Provider>
          </AccountsApiContext.Provider>
        </StudioContext.Provider>
      </Router>
    </ToastProvider>,
  );
}
