import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadSession } from "../api/session.ts";
import { Studio } from "./Studio.tsx";

function json(status: number, body: unknown) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
  sessionStorage.clear();
  window.history.replaceState(null, "", "/");
});

describe("the studio shell", () => {
  it("sends a visitor to log in, then back where they were going, with who they are in the header", async () => {
    const calls: string[] = [];
    vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
      calls.push(`${init.method} ${url}`);
      if (url === "/v1/auth") return json(200, { apiKey: "key", token: "tok", operatorId: "OP0012345678" });
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
    expect(loadSession()?.token).toBe("tok");

    fireEvent.click(screen.getByRole("button", { name: "Log out" }));
    await waitFor(() => expect(window.location.pathname).toBe("/login"));
    // Not "?next=/logout": logging in again must not log out at once.
    expect(window.location.search).toBe("");
    expect(calls).toContain("POST /v1/auth/logout");
    expect(loadSession()).toBeUndefined();
  });

  it("ends an expired session with a message instead of failing silently", async () => {
    sessionStorage.setItem(
      "conflux.session",
      JSON.stringify({ apiKey: "k", token: "old", operatorId: "OP1", email: "me@example.com" }),
    );
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
    sessionStorage.setItem(
      "conflux.session",
      JSON.stringify({ apiKey: "k", token: "t", operatorId: "OP1", email: "me@example.com" }),
    );
    vi.stubGlobal("fetch", async () => json(200, []));
    window.history.replaceState(null, "", "/reset-password?token=abc");
    render(<Studio />);
    expect(await screen.findByRole("heading", { name: "Set a new password" })).toBeTruthy();
    expect(window.location.pathname).toBe("/reset-password");
  });
});
