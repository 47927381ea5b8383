import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client.ts";
import type { Session } from "../api/session.ts";
import { renderPage } from "../shell/testing.tsx";
import { AuthPage } from "./AuthPage.tsx";

describe("sign-up", () => {
  it("shows the server's complaint under the field it is about", async () => {
    const signUp = vi.fn(async () => {
      throw new ApiError(400, "validation_failed", "body password: a password has at least 8 characters", [
        { path: "password", message: "a password has at least 8 characters" },
      ]);
    });
    renderPage(<AuthPage mode="signup" />, { signUp });
    fireEvent.change(screen.getByLabelText("E-mail"), { target: { value: "me@example.com" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "short" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign up" }));
    const message = await screen.findByText("a password has at least 8 characters");
    expect(screen.getByLabelText("Password").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByLabelText("Password").getAttribute("aria-describedby")).toContain(message.id);
  });

  it("signs up, then logs in and keeps the session with the e-mail", async () => {
    const logIn = vi.fn<(session: Session) => void>();
    const api = {
      signUp: vi.fn(async () => ({ operatorId: "OP1", email: "me@example.com" })),
      logIn: vi.fn(async () => ({ operatorId: "OP1" })),
    };
    renderPage(<AuthPage mode="signup" />, api, { session: undefined, logIn });
    fireEvent.change(screen.getByLabelText("E-mail"), { target: { value: "Me@Example.com" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "a long password" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign up" }));
    await waitFor(() => expect(logIn).toHaveBeenCalled());
    expect(api.signUp).toHaveBeenCalledWith("Me@Example.com", "a long password");
    expect(api.logIn).toHaveBeenCalledWith({ email: "Me@Example.com", password: "a long password" });
    expect(logIn).toHaveBeenCalledWith({
      operatorId: "OP1",
      email: "me@example.com",
    });
  });
});

describe("log-in as a user of an operator", () => {
  it("sends the operator id, user name, password and MFA code, and keeps the user name", async () => {
    const logIn = vi.fn<(session: Session) => void>();
    const api = {
      logIn: vi.fn(async () => ({ operatorId: "OP1", userName: "ops" })),
    };
    renderPage(<AuthPage mode="login" />, api, { session: undefined, logIn });
    fireEvent.click(screen.getByLabelText(/User of an/));
    expect(screen.queryByLabelText("E-mail")).toBeNull();
    fireEvent.change(screen.getByLabelText("Operator id"), { target: { value: " OP1 " } });
    fireEvent.change(screen.getByLabelText("User name"), { target: { value: "ops" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "a long password" } });
    fireEvent.change(screen.getByLabelText("MFA code"), { target: { value: "123456" } });
    fireEvent.click(screen.getByRole("button", { name: "Log in" }));
    await waitFor(() => expect(logIn).toHaveBeenCalled());
    expect(api.logIn).toHaveBeenCalledWith({
      operatorId: "OP1",
      userName: "ops",
      password: "a long password",
      mfaOTPCode: "123456",
    });
    expect(logIn).toHaveBeenCalledWith({ operatorId: "OP1", userName: "ops" });
  });
});
