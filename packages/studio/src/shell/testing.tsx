import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { type AccountsApi, AccountsApiContext } from "../accounts/accounts-api.ts";
import type { ConfluxApi } from "../api/conflux-api.ts";
import { ToastProvider } from "../ui/Toast.tsx";
import { type Permissions, PermissionsContext } from "./permissions.tsx";
import { Router } from "./router.tsx";
import { StudioContext, type StudioContextValue } from "./studio-context.tsx";

/**
 * Renders a page as the shell would, logged in, with `api` (and `accounts`) standing in for the parts
 * it calls, and `permissions` for what the signed-in principal may call (everything by default).
 */
export function renderPage(
  page: ReactNode,
  api: Partial<ConfluxApi>,
  overrides: Partial<StudioContextValue> = {},
  accounts: Partial<AccountsApi> = {},
  permissions: Permissions = { can: () => true, known: true },
) {
  const value: StudioContextValue = {
    api: api as ConfluxApi,
    session: { apiKey: "k", token: "t", operatorId: "OP0000000001", email: "me@example.com" },
    logIn: () => {},
    logOut: async () => {},
    ...overrides,
  };
  return render(
    <ToastProvider>
      <Router>
        <StudioContext.Provider value={value}>
          <AccountsApiContext.Provider value={accounts as AccountsApi}>
            <PermissionsContext.Provider value={permissions}>{page}</PermissionsContext.Provider>
          </AccountsApiContext.Provider>
        </StudioContext.Provider>
      </Router>
    </ToastProvider>,
  );
}
