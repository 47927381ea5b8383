import { configure, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client.ts";
import { renderPage } from "../shell/testing.tsx";
import { VerifyEmailPage } from "./VerifyEmailPage.tsx";

// As main.tsx renders the studio: effects run twice on mount, and a token works only once.
beforeEach(() => configure({ reactStrictMode: true }));
afterEach(() => {
  configure({ reactStrictMode: false });
  window.history.replaceState(null, "", "/");
});

function openAt(address: string, api: Parameters<typeof renderPage>[1]) {
  window.history.replaceState(null, "", address);
  return renderPage(<VerifyEmailPage />, api, { session: undefined });
}

describe("the e-mail verification link", () => {
  it("sends the token once on open, even under StrictMode, and says which address is verified", async () => {
    let answer: (value: { email: string; verified: boolean }) => void = () => {};
    const api = {
      verifyEmail: vi.fn(
        () => new Promise<{ email: string; verified: boolean }>((resolve) => (answer = resolve)),
      ),
    };
    openAt("/verify-email?token=abc%2B1", api);
    expect(screen.getByText("Checking the link…")).toBeTruthy();
    answer({ email: "alerts@example.com", verified: true });
    const notice = await screen.findByText(/is verified/);
    expect(notice.textContent).toContain("alerts@example.com is verified.");
    expect(api.verifyEmail).toHaveBeenCalledTimes(1);
    expect(api.verifyEmail).toHaveBeenCalledWith("abc+1");
  });

  it("shows the server's message for a used or expired token", async () => {
    const api = {
      verifyEmail: vi.fn(async () => {
        throw new ApiError(
          400,
          "bad_request",
          "the verification token is unknown, used or expired; add the address again",
        );
      }),
    };
    openAt("/verify-email?token=old", api);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("the verification token is unknown, used or expired");
    expect(screen.queryByText(/is verified/)).toBeNull();
  });

  it("says the link is incomplete without asking the server when it has no token", async () => {
    const api = { verifyEmail: vi.fn(async () => ({ email: "x@example.com", verified: true })) };
    openAt("/verify-email", api);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("The link has no token");
    expect(api.verifyEmail).not.toHaveBeenCalled();
  });
});
