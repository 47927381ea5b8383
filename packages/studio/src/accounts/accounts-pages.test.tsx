import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client.ts";
import { Layout } from "../shell/Layout.tsx";
import { matchRoute, pathOf } from "../shell/router.tsx";
import { renderPage } from "../shell/testing.tsx";
import { AccountPage } from "./AccountPage.tsx";
import type { AccountsApi, User } from "./accounts-api.ts";
import { UserPage } from "./UserPage.tsx";
import { UsersPage } from "./UsersPage.tsx";

const user: User = {
  userName: "ops",
  description: "on call",
  hasPassword: false,
  permission: "",
  authKeyList: [],
  roleList: [],
  createDateTime: 1_700_000_000,
  updateDateTime: 1_700_000_000,
};

function renderAccounts(
  page: React.ReactNode,
  accounts: Partial<AccountsApi>,
  can = (_name: string) => true,
) {
  return renderPage(page, {}, {}, accounts, { can, known: true });
}

describe("the accounts routes", () => {
  it("map /users, /users/{name}, /roles, /audit-log and /account both ways", () => {
    expect(matchRoute("/users/a%40b")).toEqual({ page: "user", userName: "a@b" });
    expect(pathOf({ page: "user", userName: "a@b" })).toBe("/users/a%40b");
    for (const page of ["users", "roles", "audit-log", "account"] as const)
      expect(matchRoute(pathOf({ page }))).toEqual({ page });
  });
});

describe("the users page", () => {
  it("creates a user and opens it; without User:createUser there is no button", async () => {
    const createUser = vi.fn(async () => undefined);
    renderAccounts(<UsersPage />, { listUsers: async () => [user], createUser });
    await screen.findByRole("link", { name: "ops" });
    fireEvent.click(screen.getByRole("button", { name: "New user" }));
    const dialog = screen.getByRole("dialog", { name: "New user" });
    fireEvent.change(within(dialog).getByLabelText("User name"), { target: { value: "reader" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Create user" }));
    await waitFor(() => expect(window.location.pathname).toBe("/users/reader"));
    expect(createUser).toHaveBeenCalledWith("reader", "");
  });

  it("hides the buttons the permissions do not allow", async () => {
    renderAccounts(<UsersPage />, { listUsers: async () => [user] }, (name) => name === "User:listUsers");
    await screen.findByRole("link", { name: "ops" });
    expect(screen.queryByRole("button", { name: "New user" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Delete user ops" })).toBeNull();
  });
});

describe("a user's permission editor", () => {
  it("checks as it is typed, and shows the server's message where its own would be", async () => {
    const setUserPermission = vi.fn(async () => {
      throw new ApiError(400, "bad_request", "Unknown name 'samUser' at column 1 in statements[0].condition");
    });
    renderAccounts(<UserPage userName="ops" />, {
      getUser: async () => user,
      listRoles: async () => [],
      listAuthKeys: async () => [],
      getMfaStatus: async () => "INACTIVE",
      setUserPermission,
    });
    const editor = await screen.findByRole("textbox", { name: "Permission" });
    const save = screen.getByRole("button", { name: "Save permission" });
    fireEvent.change(editor, { target: { value: '{"statements": [{"effect": "allow", "api": "App:*",}]}' } });
    const problem = await screen.findByText(/^not JSON at line 1, column 52/);
    expect(editor.getAttribute("aria-describedby")).toContain(problem.id);
    expect(save).toHaveProperty("disabled", true);
    const text = '{"statements": [{"effect": "allow", "api": "App:get*"}]}';
    fireEvent.change(editor, { target: { value: text } });
    expect(editor.getAttribute("aria-invalid")).toBeNull();
    fireEvent.click(save);
    await screen.findByText("Unknown name 'samUser' at column 1 in statements[0].condition");
    expect(setUserPermission).toHaveBeenCalledWith("ops", text);
    expect(editor.getAttribute("aria-invalid")).toBe("true");
  });
});

describe("a user's page", () => {
  it("shows whether the user has two-factor sign-in, and lets root turn it off", async () => {
    let status: "ACTIVE" | "INACTIVE" = "ACTIVE";
    const turnOffMfa = vi.fn(async () => {
      status = "INACTIVE";
    });
    renderAccounts(<UserPage userName="ops" />, {
      getUser: async () => user,
      listRoles: async () => [],
      listAuthKeys: async () => [],
      getMfaStatus: async () => status,
      turnOffMfa,
    });
    const section = await screen.findByRole("region", { name: "Two-factor sign-in" });
    fireEvent.click(await within(section).findByRole("button", { name: "Turn off two-factor sign-in" }));
    await within(section).findByText(/^Off\./);
    expect(turnOffMfa).toHaveBeenCalledWith({ kind: "user", userName: "ops" });
  });
});

describe("your account", () => {
  it("sets up MFA with a QR code, then shows the backup codes once", async () => {
    let status: "ACTIVE" | "INACTIVE" = "INACTIVE";
    const verifyMfa = vi.fn(async () => {
      status = "ACTIVE";
      return ["b1", "b2", "b3", "b4", "b5"];
    });
    renderAccounts(<AccountPage />, {
      getMfaStatus: async () => status,
      startMfa: async () => "otpauth://totp/Conflux:me%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Conflux",
      verifyMfa,
      listAuthKeys: async () => [],
    });
    fireEvent.click(await screen.findByRole("button", { name: "Set up MFA" }));
    const qr = await screen.findByRole("img", { name: "QR code of the MFA secret" });
    expect(qr.getAttribute("src")).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(atob((qr.getAttribute("src") ?? "").split(",")[1] ?? "")).toContain("<svg");
    expect(screen.getByText("JBSWY3DPEHPK3PXP")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Code from the app"), { target: { value: "123456" } });
    fireEvent.click(screen.getByRole("button", { name: "Turn on MFA" }));
    await waitFor(() => expect(screen.getByTestId("mfa-status").textContent).toBe("MFA is on."));
    expect(verifyMfa).toHaveBeenCalledWith({ kind: "root" }, "123456");
    expect(screen.getByTestId("secret-once").textContent).toBe("b1\nb2\nb3\nb4\nb5");
  });

  it("creates an auth key and shows its secret once", async () => {
    const keys: { authKeyId: string; createDateTime: number }[] = [];
    renderAccounts(<AccountPage />, {
      getMfaStatus: async () => "INACTIVE",
      listAuthKeys: async () => [...keys],
      createAuthKey: async () => {
        keys.push({ authKeyId: "keyId-1", createDateTime: 1_700_000_000 });
        return { authKeyId: "keyId-1", authKey: "secret-abc" };
      },
    });
    fireEvent.click(await screen.findByRole("button", { name: "New auth key" }));
    expect((await screen.findByTestId("secret-once")).textContent).toBe("secret-abc");
    await screen.findByRole("button", { name: "Delete auth key keyId-1" });
    expect(screen.getByRole("cell", { name: "never" })).toBeTruthy();
  });
});

describe("the navigation", () => {
  it("shows a user only the sections its permissions allow", () => {
    renderPage(
      <Layout>
        <p>page</p>
      </Layout>,
      {},
      { session: { operatorId: "OP1", userName: "reader" } },
      {},
      { can: (name) => name === "App:listApps", known: true },
    );
    const nav = screen.getByRole("navigation", { name: "Main" });
    const links = within(nav)
      .getAllByRole("link")
      .map((link) => link.textContent);
    expect(links).toEqual(["Apps", "Your account", "API reference"]);
    expect(screen.getByTestId("user-name").textContent).toBe("reader");
  });
});
