import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import type { ConfluxApi } from "../api/conflux-api.ts";
import { ToastProvider } from "../ui/Toast.tsx";
import { Router } from "./router.tsx";
import { StudioContext, type StudioContextValue } from "./studio-context.tsx";

/** Renders a page as the shell would, logged in, with `api` standing in for the parts it calls. */
export function renderPage(
  page: ReactNode,
  api: Partial<ConfluxApi>,
  overrides: Partial<StudioContextValue> = {},
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
        <StudioContext.Provider value={value}>{page}</StudioContext.Provider>
      </Router>
    </ToastProvider>,
  );
}
