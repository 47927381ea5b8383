import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadSession, saveSession } from "../api/session.ts";
import { Studio } from "./Studio.tsx";

function json(status: number, body: unknown) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
  window.history.replaceState(null, "", "/");
});

describe("the studio shell", () => {
  it("sends a visitor to log in, then back where they were going, with who they are in the header", async () => {
    const calls: string[] = [];
    const headers: Record<string, string>[] = [];
    vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
      calls.push(`${init.method} ${url}`);
      headers.push(init.headers as Record<string, string>);
      if (url === "/v1/auth/session") return json(200, { operatorId: "OP0012345678" });
      if (url === "/v1/credentials") return json(200, []);
      if (url === "/v1/auth/logout") return json(204, undefined);
      return json(404, { code: "not_found", message: "nothing" });
    });
    window.history.replaceState(null, "", "/credentials");
    render(<Studio />);
    await waitFor(() => expect(window.location.pathname).toBe("/login"));
    expect(window.location.search).toBe("?next=%2Fcredentials");

    fireEvent.change(screen.getByLabelText("E-mail"), { target: { value: "me@example.com" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "a long password" } });
    fireEvent.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByRole("heading", { name: "Credentials" })).toBeTruthy();
    expect(window.location.pathname).toBe("/credentials");
    expect(screen.getByTestId("operator-id").textContent).toBe("OP0012345678");
    expect(screen.getByTestId("operator-email").textContent).toBe("me@example.com");
    // The token stays in the HttpOnly cookie: the studio keeps who is signed in, and says it is the studio.
    expect(loadSession()).toEqual({ operatorId: "OP0012345678", email: "me@example.com" });
    expect(JSON.stringify(localStorage)).not.toContain("tok");
    for (const sent of headers) {
      expect(sent).toMatchObject({ "x-conflux-studio": "1" });
      expect(sent).not.toHaveProperty("x-conflux-token");
    }

    fireEvent.click(screen.getByRole("button", { name: "Log out" }));
    await waitFor(() => expect(window.location.pathname).toBe("/login"));
    // Not "?next=/logout": logging in again must not log out at once.
    expect(window.location.search).toBe("");
    expect(calls).toContain("POST /v1/auth/logout");
    expect(loadSession()).toBeUndefined();
  });

  it("ends an expired session with a message instead of failing silently", async () => {
    saveSession({ operatorId: "OP1", email: "me@example.com" });
    vi.stubGlobal("fetch", async () => json(401, { code: "unauthorized", message: "expired" }));
    window.history.replaceState(null, "", "/apps");
    render(<Studio />);
    // An error toast is announced by the assertive live region it is added to (it has no role of its own).
    const message = await screen.findByText("Your session expired. Log in again.");
    expect(message.closest('[aria-live="assertive"]')).not.toBeNull();
    await waitFor(() => expect(window.location.pathname).toBe("/login"));
    expect(loadSession()).toBeUndefined();
  });

  it("opens the mailed links without a session: from log-in to a reset, and an address verified", async () => {
    const calls: string[] = [];
    vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
      calls.push(`${init.method} ${url} ${String(init.body)}`);
      if (url === "/v1/auth/password_reset_token/issue") return json(200, undefined);
      if (url === "/v1/operators/add_email_token/verify")
        return json(200, { email: "alerts@example.com", verified: true });
      return json(404, { code: "not_found", message: "nothing" });
    });
    window.history.replaceState(null, "", "/login");
    const { unmount } = render(<Studio />);
    fireEvent.click(screen.getByRole("link", { name: "Forgot your password?" }));
    expect(await screen.findByRole("heading", { name: "Reset your password" })).toBeTruthy();
    expect(window.location.pathname).toBe("/reset-password");
    fireEvent.change(screen.getByLabelText("E-mail"), { target: { value: "me@example.com" } });
    fireEvent.click(screen.getByRole("button", { name: "Mail me a link" }));
    expect(await screen.findByText(/a link to set a new password is on its way/)).toBeTruthy();
    expect(calls).toEqual(['POST /v1/auth/password_reset_token/issue {"email":"me@example.com"}']);
    unmount();

    window.history.replaceState(null, "", "/verify-email?token=t1");
    render(<Studio />);
    expect(await screen.findByText("alerts@example.com is verified.", { exact: false })).toBeTruthy();
    expect(window.location.pathname).toBe("/verify-email");
    expect(calls[1]).toBe('POST /v1/operators/add_email_token/verify {"token":"t1"}');
  });

  it("keeps a signed-in operator on a mailed link instead of sending them to the apps", async () => {
    saveSession({ operatorId: "OP1", email: "me@example.com" });
    vi.stubGlobal("fetch", async () => json(200, []));
    window.history.replaceState(null, "", "/reset-password?token=abc");
    render(<Studio />);
    expect(await screen.findByRole("heading", { name: "Set a new password" })).toBeTruthy();
    expect(window.location.pathname).toBe("/reset-password");
  });

  it("follows a sign-out in another tab back to the log-in page", async () => {
    saveSession({ operatorId: "OP1", email: "me@example.com" });
    vi.stubGlobal("fetch", async () => json(200, []));
    window.history.replaceState(null, "", "/credentials");
    render(<Studio />);
    expect(await screen.findByRole("heading", { name: "Credentials" })).toBeTruthy();
    // What the other tab's log-out does to the shared storage, and the event this tab gets for it.
    localStorage.removeItem("conflux.session");
    window.dispatchEvent(new StorageEvent("storage", { key: "conflux.session", newValue: null }));
    await waitFor(() => expect(window.location.pathname).toBe("/login"));
  });

  it("returns a partner to its own account when the customer's session ends (401)", async () => {
    const partner = { operatorId: "OP1", email: "partner@example.com" };
    saveSession({ operatorId: "OP2", email: "shop@example.com", actingFrom: partner });
    const calls: string[] = [];
    let switchedBack = false;
    vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
      calls.push(`${init.method} ${url}`);
      if (url === "/v1/auth/switch_back") {
        switchedBack = true;
        return json(204, undefined);
      }
      return switchedBack ? json(200, []) : json(401, { code: "unauthorized", message: "expired" });
    });
    window.history.replaceState(null, "", "/credentials");
    render(<Studio />);
    expect(
      await screen.findByText("The customer's session ended; you are back in your own account."),
    ).toBeTruthy();
    expect(loadSession()).toEqual(partner);
    expect(calls.filter((call) => call === "POST /v1/auth/switch_back")).toHaveLength(1);
  });
});
