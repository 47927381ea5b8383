import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client.ts";
import { renderPage } from "../shell/testing.tsx";
import { ResetPasswordPage } from "./ResetPasswordPage.tsx";

afterEach(() => window.history.replaceState(null, "", "/"));

function openAt(address: string, api: Parameters<typeof renderPage>[1]) {
  window.history.replaceState(null, "", address);
  return renderPage(<ResetPasswordPage />, api, { session: undefined });
}

describe("asking for a reset link", () => {
  it("sends the address and says a link is on its way, without telling whether the account exists", async () => {
    const api = { requestPasswordReset: vi.fn(async () => undefined) };
    openAt("/reset-password", api);
    expect(screen.getByRole("heading", { name: "Reset your password" })).toBeTruthy();
    fireEvent.change(screen.getByLabelText("E-mail"), { target: { value: " me@example.com " } });
    fireEvent.click(screen.getByRole("button", { name: "Mail me a link" }));
    const notice = await screen.findByText(/a link to set a new password is on its way/);
    expect(notice.textContent).toContain("If an account has the address me@example.com, a link");
    expect(api.requestPasswordReset).toHaveBeenCalledWith("me@example.com");
    expect(screen.queryByLabelText("E-mail")).toBeNull();
  });

  it("shows how long to wait when asked too often (429), and keeps the form", async () => {
    const api = {
      requestPasswordReset: vi.fn(async () => {
        throw new ApiError(
          429,
          "rate_limited",
          "too many reset mails for this address; try again in 15 minutes",
        );
      }),
    };
    openAt("/reset-password", api);
    fireEvent.change(screen.getByLabelText("E-mail"), { target: { value: "me@example.com" } });
    fireEvent.click(screen.getByRole("button", { name: "Mail me a link" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("try again in 15 minutes");
    expect(alert.textContent).toContain("HTTP 429");
    expect(screen.queryByText(/a link to set a new password is on its way/)).toBeNull();
    expect((screen.getByLabelText("E-mail") as HTMLInputElement).value).toBe("me@example.com");
  });
});

describe("setting the new password from the mailed link", () => {
  function typePasswords(first: string, second: string) {
    fireEvent.change(screen.getByLabelText("New password"), { target: { value: first } });
    fireEvent.change(screen.getByLabelText("New password again"), { target: { value: second } });
  }

  it("sends the token and the password, then says it is set and links to log in", async () => {
    const api = { resetPassword: vi.fn(async () => undefined) };
    openAt("/reset-password?token=tok%2Fen", api);
    expect(screen.getByRole("heading", { name: "Set a new password" })).toBeTruthy();
    expect(screen.queryByLabelText("E-mail")).toBeNull();
    typePasswords("a long new password", "a long new password");
    fireEvent.click(screen.getByRole("button", { name: "Set the new password" }));
    expect(await screen.findByText(/Your new password is set\./)).toBeTruthy();
    expect(api.resetPassword).toHaveBeenCalledWith("tok/en", "a long new password");
    const logIn = screen.getByRole("link", { name: "Log in" });
    expect(logIn.getAttribute("href")).toBe("/login");
    fireEvent.click(logIn);
    expect(window.location.pathname).toBe("/login");
  });

  it("does not send two passwords that differ", () => {
    const api = { resetPassword: vi.fn(async () => undefined) };
    openAt("/reset-password?token=tok", api);
    typePasswords("a long new password", "a long new pasword");
    expect(screen.getByText("The two passwords differ.")).toBeTruthy();
    const button = screen.getByRole("button", { name: "Set the new password" }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    fireEvent.submit(button.closest("form") as HTMLFormElement);
    expect(api.resetPassword).not.toHaveBeenCalled();
  });

  it("shows the server's complaint about the password under the field", async () => {
    const api = {
      resetPassword: vi.fn(async () => {
        throw new ApiError(400, "validation_failed", "body password: this password is too common", [
          { path: "password", message: "this password is too common" },
        ]);
      }),
    };
    openAt("/reset-password?token=tok", api);
    typePasswords("password123", "password123");
    fireEvent.click(screen.getByRole("button", { name: "Set the new password" }));
    const message = await screen.findByText("this password is too common");
    expect(screen.getByLabelText("New password").getAttribute("aria-describedby")).toContain(message.id);
    expect(screen.queryByText("Your new password is set.", { exact: false })).toBeNull();
  });

  it("shows the server's message when the token is used or expired", async () => {
    const api = {
      resetPassword: vi.fn(async () => {
        throw new ApiError(
          400,
          "bad_request",
          "the reset token is unknown, used or expired; ask for a new one",
        );
      }),
    };
    openAt("/reset-password?token=old", api);
    typePasswords("a long new password", "a long new password");
    fireEvent.click(screen.getByRole("button", { name: "Set the new password" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("the reset token is unknown, used or expired; ask for a new one");
    await waitFor(() =>
      expect(
        (screen.getByRole("button", { name: "Set the new password" }) as HTMLButtonElement).disabled,
      ).toBe(false),
    );
  });
});
