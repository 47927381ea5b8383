import type { App } from "@conflux/core";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client.ts";
import { renderPage } from "../shell/testing.tsx";
import { AppsPage } from "./AppsPage.tsx";

function app(appId: string, name: string): App {
  return {
    appId,
    name,
    description: "",
    tags: {},
    channels: [],
    actions: [],
    createdAt: 0,
    updatedAt: 0,
  } as App;
}

describe("the apps page", () => {
  it("lists apps, and deletes one only after confirming", async () => {
    const apps = [app("a1", "Cold chain"), app("a2", "Door alarm")];
    const deleteApp = vi.fn(async (appId: string) => {
      apps.splice(
        apps.findIndex((item) => item.appId === appId),
        1,
      );
    });
    renderPage(<AppsPage />, { listApps: async () => [...apps], deleteApp });
    expect(await screen.findByRole("link", { name: "Cold chain" })).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Delete Door alarm" }));
    const dialog = screen.getByRole("dialog", { name: "Delete app?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(deleteApp).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole("button", { name: "Delete Door alarm" }));
    fireEvent.click(
      within(screen.getByRole("dialog", { name: "Delete app?" })).getByRole("button", { name: "Delete app" }),
    );
    await waitFor(() => expect(screen.queryByRole("link", { name: "Door alarm" })).toBeNull());
    expect(deleteApp).toHaveBeenCalledWith("a2");
    expect(screen.getByRole("status").textContent).toContain('Deleted "Door alarm"');
  });

  it("shows why the list failed, with a retry, instead of an empty page", async () => {
    let fail = true;
    renderPage(<AppsPage />, {
      listApps: async () => {
        if (fail) throw new ApiError(0, "network", "Cannot reach the Conflux server.");
        return [app("a1", "Back again")];
      },
    });
    expect((await screen.findByRole("alert")).textContent).toContain("Cannot reach the Conflux server.");
    fail = false;
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByRole("link", { name: "Back again" })).toBeTruthy();
  });

  it("renames through a dialog, keeping the rest of the app as it is now, not as the list saw it", async () => {
    const listed = app("a1", "Old");
    // Saved in the editor after the list loaded: the rename must not take the channel away again.
    const original = {
      ...listed,
      version: 4,
      channels: [{ channelId: "in", name: "", description: "", tags: {} }],
    };
    const updateApp = vi.fn(async (_appId: string, definition: unknown) => ({
      ...original,
      ...(definition as App),
    }));
    renderPage(<AppsPage />, {
      listApps: async () => [listed],
      getApp: async () => original as App,
      updateApp,
    });
    fireEvent.click(await screen.findByRole("button", { name: "Rename Old" }));
    const dialog = screen.getByRole("dialog", { name: "Rename app" });
    fireEvent.change(within(dialog).getByLabelText("App name"), { target: { value: "New name" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Rename" }));
    await waitFor(() => expect(updateApp).toHaveBeenCalled());
    // On the version it read: a save landing in between is refused rather than overwritten.
    expect(updateApp.mock.calls[0]).toEqual([
      "a1",
      expect.objectContaining({ name: "New name", channels: original.channels }),
      4,
    ]);
    expect(updateApp.mock.calls[0]?.[1]).not.toHaveProperty("appId");
  });

  it("imports a YAML file and shows the server's validation problems", async () => {
    const importApp = vi.fn(async () => {
      throw new ApiError(
        400,
        "validation_failed",
        "actions.0.condition: Unexpected ')' (and 1 more problems)",
        [
          { path: "actions.0.condition", message: "Unexpected ')'" },
          { path: "name", message: "an app needs a name" },
        ],
      );
    });
    renderPage(<AppsPage />, { listApps: async () => [], importApp });
    await screen.findByText(/No apps yet/);
    const file = new File(["name: x\n"], "app.yaml", { type: "application/yaml" });
    fireEvent.change(screen.getByLabelText("App file to import"), { target: { files: [file] } });
    const alert = await screen.findByRole("alert");
    expect(importApp).toHaveBeenCalledWith("name: x\n", true);
    expect(alert.textContent).toContain("name: an app needs a name");
    expect(alert.textContent).toContain("validation_failed");
  });

  it("says what an import changed on the way, as the server's notes tell", async () => {
    const importApp = vi.fn(async () => ({
      ...app("a9", "From Flux"),
      notes: [{ path: "actions.0", message: "action 'call': type 'line' cannot run in this Conflux yet" }],
    }));
    renderPage(<AppsPage />, { listApps: async () => [], importApp });
    await screen.findByText(/No apps yet/);
    const file = new File(["{}"], "flux.json", { type: "application/json" });
    fireEvent.change(screen.getByLabelText("App file to import"), { target: { files: [file] } });
    expect(
      await screen.findByText(
        `Imported "From Flux". action 'call': type 'line' cannot run in this Conflux yet.`,
      ),
    ).toBeTruthy();
  });

  it("duplicates an app as it is now under a new name, and exports one as a file download", async () => {
    const original = { ...app("a1", "Cold chain"), description: "keeps fridges cold" };
    const createApp = vi.fn(async (definition: unknown) => ({ ...(definition as App), appId: "a2" }));
    const exportApp = vi.fn(async () => "name: Cold chain\n");
    renderPage(<AppsPage />, {
      listApps: async () => [app("a1", "Cold chain")],
      getApp: async () => original,
      createApp,
      exportApp,
    });
    fireEvent.click(await screen.findByRole("button", { name: "Duplicate Cold chain" }));
    await waitFor(() => expect(createApp).toHaveBeenCalled());
    expect(createApp.mock.calls[0]?.[0]).toEqual(
      expect.objectContaining({ name: "Cold chain (copy)", description: "keeps fridges cold" }),
    );
    expect(createApp.mock.calls[0]?.[0]).not.toHaveProperty("appId");

    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push(this.download);
    });
    fireEvent.click(screen.getByRole("button", { name: "Export Cold chain as YAML" }));
    await waitFor(() => expect(clicked).toEqual(["Cold_chain.yaml"]));
    expect(exportApp).toHaveBeenCalledWith("a1", "yaml");
    click.mockRestore();
  });

  it("creates a new app from a template in the gallery, under the name typed, and opens it", async () => {
    const createApp = vi.fn(async (definition: unknown) => ({ ...(definition as App), appId: "a7" }));
    renderPage(<AppsPage />, { listApps: async () => [], createApp });
    await screen.findByText(/No apps yet/);
    fireEvent.click(screen.getByRole("button", { name: "New app" }));
    const dialog = screen.getByRole("dialog", { name: "New app" });
    const gallery = within(dialog).getByRole("group", { name: "Start from" });
    expect(within(gallery).getByRole("radio", { name: /Blank/ })).toHaveProperty("checked", true);

    // Choosing a template names the app after it, until a name is typed.
    fireEvent.click(within(gallery).getByRole("radio", { name: /Cold-chain alert/ }));
    expect(within(dialog).getByLabelText("App name")).toHaveProperty("value", "Cold-chain alert");
    fireEvent.change(within(dialog).getByLabelText("App name"), { target: { value: "Fridge 3" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Create" }));

    await waitFor(() => expect(window.location.pathname).toBe("/apps/a7"));
    const created = createApp.mock.calls[0]?.[0] as App;
    expect(created.name).toBe("Fridge 3");
    expect(created.channels.map((channel) => channel.channelId)).toEqual(["readings", "alerts"]);
    expect(created.actions.map((action) => action.actionId)).toEqual(["too-warm", "notify"]);
  });

  it("creates a blank app when no template is chosen", async () => {
    const createApp = vi.fn(async (definition: unknown) => ({ ...(definition as App), appId: "a8" }));
    renderPage(<AppsPage />, { listApps: async () => [], createApp });
    await screen.findByText(/No apps yet/);
    fireEvent.click(screen.getByRole("button", { name: "New app" }));
    const dialog = screen.getByRole("dialog", { name: "New app" });
    expect(within(dialog).getByRole("button", { name: "Create" })).toHaveProperty("disabled", true);
    fireEvent.change(within(dialog).getByLabelText("App name"), { target: { value: "Mine" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Create" }));
    await waitFor(() => expect(createApp).toHaveBeenCalled());
    expect(createApp.mock.calls[0]?.[0]).toMatchObject({ name: "Mine", channels: [], actions: [] });
  });
});
