import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { matchRoute, pathOf } from "../shell/router.tsx";
import { renderPage } from "../shell/testing.tsx";
import {
  type BindableApp,
  type ConsoleApi,
  ConsoleApiContext,
  type Device,
  type DeviceCommand,
  type DeviceGroup,
} from "./console-api.ts";
import { DevicePage } from "./DevicePage.tsx";
import { DevicesPage } from "./DevicesPage.tsx";
import { FilesPage, rowsUnder } from "./FilesPage.tsx";

function renderConsole(page: React.ReactNode, api: Partial<ConsoleApi>) {
  return renderPage(
    <ConsoleApiContext.Provider value={api as ConsoleApi}>{page}</ConsoleApiContext.Provider>,
    {},
  );
}

describe("the console routes", () => {
  it("map /devices, /devices/{id} and /files both ways", () => {
    expect(matchRoute("/devices")).toEqual({ page: "devices" });
    expect(matchRoute("/devices/d-01abc")).toEqual({ page: "device", deviceId: "d-01abc" });
    expect(matchRoute("/files")).toEqual({ page: "files" });
    expect(pathOf({ page: "device", deviceId: "d-01abc" })).toBe("/devices/d-01abc");
    expect(matchRoute("/devices/d-1/extra")).toEqual({ page: "not-found" });
  });
});

describe("the devices page", () => {
  it("registers a device in a group and shows its secret once", async () => {
    const groups: DeviceGroup[] = [
      {
        groupId: "g-1",
        name: "fridges",
        tags: {},
        config: { binding: null, keepData: true, binaryParser: null },
        createdAt: 0,
      },
    ];
    const devices: Device[] = [];
    const createDevice = vi.fn(async (draft: { name: string; groupId: string | null }) => {
      const device = { deviceId: "d-new", name: draft.name, groupId: draft.groupId, tags: {}, createdAt: 0 };
      devices.push(device);
      return { ...device, secret: "s3cret-once" };
    });
    renderConsole(<DevicesPage />, {
      listGroups: async () => groups,
      listDevices: async () => [...devices],
      listApps: async () => [],
      createDevice,
    });
    await screen.findByText("No devices yet.");
    fireEvent.click(screen.getByRole("button", { name: "New device" }));
    const dialog = screen.getByRole("dialog", { name: "New device" });
    fireEvent.change(within(dialog).getByLabelText("Name"), { target: { value: "fridge 1" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Register device" }));
    await waitFor(() => expect(createDevice).toHaveBeenCalledWith({ name: "fridge 1", groupId: "g-1" }));
    const shown = await screen.findByRole("dialog", { name: "Device registered" });
    expect((within(shown).getByLabelText("Secret") as HTMLInputElement).value).toBe("s3cret-once");
    fireEvent.click(within(shown).getByRole("button", { name: "I have copied the secret" }));
    expect(await screen.findByText("d-new")).toBeTruthy();
    await waitFor(() => expect(document.body.innerHTML).not.toContain("s3cret-once"));
    expect(screen.getAllByText("fridges").length).toBeGreaterThan(0);
  });
});

describe("a device group's app binding", () => {
  const apps: BindableApp[] = [
    {
      appId: "app-cold",
      name: "Cold chain",
      channels: [
        { channelId: "sensors", name: "Sensors", description: "", tags: {}, eventSource: device() },
        { channelId: "api-in", name: "", description: "", tags: {}, eventSource: api() },
        { channelId: "kept", name: "", description: "", tags: {}, eventSource: device("g-other") },
        { channelId: "doors", name: "", description: "", tags: {}, eventSource: device() },
      ],
    },
    {
      appId: "app-web",
      name: "Web only",
      channels: [{ channelId: "in", name: "", description: "", tags: {}, eventSource: api() }],
    },
  ];

  function device(groupId?: string) {
    return { type: "device" as const, enabled: true, config: groupId ? { groupId } : {} };
  }
  function api() {
    return { type: "api" as const, enabled: true, config: {} };
  }
  function optionsOf(select: HTMLElement): string[] {
    return [...(select as HTMLSelectElement).options].map((option) => option.textContent ?? "");
  }

  it("is chosen among the operator's apps and their device channels, not typed", async () => {
    const createGroup = vi.fn(async (input: Parameters<ConsoleApi["createGroup"]>[0]) => ({
      ...input,
      groupId: "g-new",
      createdAt: 0,
    }));
    renderConsole(<DevicesPage />, {
      listGroups: async () => [],
      listDevices: async () => [],
      listApps: async () => apps,
      createGroup,
    });
    await screen.findByText("No groups yet.");
    fireEvent.click(screen.getByRole("button", { name: "New group" }));
    const dialog = screen.getByRole("dialog", { name: "New device group" });
    fireEvent.change(within(dialog).getByLabelText("Name"), { target: { value: "fridges" } });
    const appSelect = within(dialog).getByLabelText("App");
    await waitFor(() =>
      expect(optionsOf(appSelect)).toEqual(["No app", "Cold chain (app-cold)", "Web only (app-web)"]),
    );
    expect(within(dialog).queryByLabelText("Channel")).toBeNull();

    fireEvent.change(appSelect, { target: { value: "app-web" } });
    expect(within(dialog).getByText(/Web only has no channel with a device event source/)).toBeTruthy();
    const create = within(dialog).getByRole("button", { name: "Create group" }) as HTMLButtonElement;
    expect(create.disabled).toBe(true);

    fireEvent.change(appSelect, { target: { value: "app-cold" } });
    const channelSelect = within(dialog).getByLabelText("Channel") as HTMLSelectElement;
    // The API channel is not offered, nor the one a device source keeps for another group.
    expect(optionsOf(channelSelect)).toEqual(["Sensors (sensors)", "doors"]);
    expect(channelSelect.value).toBe("sensors");
    fireEvent.change(channelSelect, { target: { value: "doors" } });
    expect(create.disabled).toBe(false);
    fireEvent.click(create);
    await waitFor(() =>
      expect(createGroup).toHaveBeenCalledWith({
        name: "fridges",
        tags: {},
        config: { binding: { appId: "app-cold", channelId: "doors" }, keepData: true, binaryParser: null },
      }),
    );
  });

  it("to a deleted app stays visible, says so, and can be changed", async () => {
    const group: DeviceGroup = {
      groupId: "g-1",
      name: "fridges",
      tags: { site: "north" },
      config: { binding: { appId: "app-gone", channelId: "sensors" }, keepData: false, binaryParser: null },
      createdAt: 0,
    };
    const updateGroup = vi.fn(async (groupId: string, input: Parameters<ConsoleApi["updateGroup"]>[1]) => ({
      ...input,
      groupId,
      createdAt: 0,
    }));
    renderConsole(<DevicesPage />, {
      listGroups: async () => [
        group,
        // Bound to a channel that lost its device event source since.
        {
          ...group,
          groupId: "g-2",
          name: "doors",
          config: { ...group.config, binding: { appId: "app-web", channelId: "in" } },
        },
      ],
      listDevices: async () => [],
      listApps: async () => apps,
      updateGroup,
    });
    const table = await screen.findByRole("table", { name: "Device groups" });
    await within(table).findByText("app deleted");
    expect(table.textContent).toContain("app-gone / sensors");
    const doors = within(table).getByText("doors").closest("tr") as HTMLElement;
    expect(doors.textContent).toContain("Web only / in, no device channel");

    fireEvent.click(screen.getByRole("button", { name: "Edit group fridges" }));
    const dialog = screen.getByRole("dialog", { name: "Edit group fridges" });
    const appSelect = within(dialog).getByLabelText("App") as HTMLSelectElement;
    await waitFor(() => expect(appSelect.value).toBe("app-gone"));
    expect(appSelect.selectedOptions[0]?.textContent).toBe("app-gone (deleted app)");
    expect(within(dialog).getByRole("status").textContent).toMatch(
      /channel sensors of app app-gone, which was deleted/,
    );

    fireEvent.change(appSelect, { target: { value: "app-cold" } });
    expect((within(dialog).getByLabelText("Channel") as HTMLSelectElement).value).toBe("sensors");
    fireEvent.click(within(dialog).getByRole("button", { name: "Save group" }));
    await waitFor(() =>
      expect(updateGroup).toHaveBeenCalledWith("g-1", {
        name: "fridges",
        tags: { site: "north" },
        config: { binding: { appId: "app-cold", channelId: "sensors" }, keepData: false, binaryParser: null },
      }),
    );
  });
});

describe("the files page", () => {
  it("shows the folders implied by paths, and previews an image through its signed link", async () => {
    const files = [
      { path: "/cam1/a.jpg", contentType: "image/jpeg", size: 2048, updatedAt: 0 },
      { path: "/readme.txt", contentType: "text/plain", size: 10, updatedAt: 0 },
    ];
    expect(rowsUnder("/", files).map((row) => [row.kind, row.path])).toEqual([
      ["folder", "/cam1/"],
      ["file", "/readme.txt"],
    ]);
    const listFiles = vi.fn(async (prefix: string) => files.filter((file) => file.path.startsWith(prefix)));
    renderConsole(<FilesPage />, {
      listFiles,
      fileUrl: async (path) => `/v1/signed/files/OP0000000001${path}?expires=1&signature=x`,
    });
    fireEvent.click(await screen.findByRole("button", { name: "cam1/" }));
    await waitFor(() => expect(listFiles).toHaveBeenLastCalledWith("/cam1/"));
    fireEvent.click(await screen.findByRole("button", { name: "a.jpg" }));
    const image = (await screen.findByRole("img", { name: "/cam1/a.jpg" })) as HTMLImageElement;
    expect(image.getAttribute("src")).toContain("/v1/signed/files/OP0000000001/cam1/a.jpg");
    expect(screen.getByRole("button", { name: ".. (up)" })).toBeTruthy();
  });
});

describe("the device page", () => {
  it("lists the device's recent commands with their status, and the one just sent", async () => {
    const command = (commandId: string, payload: string, status: DeviceCommand["status"]): DeviceCommand => ({
      commandId,
      deviceId: "d-1",
      payload,
      status,
      createdAt: 1_767_225_600_000,
      expiresAt: 1_767_229_200_000,
      deliveredAt: status === "delivered" ? 1_767_225_601_000 : null,
    });
    const commands = [command("c-2", "fan off", "expired"), command("c-1", "fan on", "delivered")];
    const sendCommand = vi.fn(async (_deviceId: string, payload: string) => {
      const sent = command("c-3", payload, "pending");
      commands.unshift(sent);
      return sent;
    });
    renderConsole(<DevicePage deviceId="d-1" />, {
      getDevice: async () => ({ deviceId: "d-1", name: "fridge", groupId: null, tags: {}, createdAt: 0 }),
      recentData: async () => [],
      recentCommands: async () => [...commands],
      sendCommand,
    });
    const table = await screen.findByRole("table", { name: "Recent commands" });
    await within(table).findByText("fan on");
    const statusOf = (payload: string) =>
      within(table).getByText(payload).closest("tr")?.querySelectorAll("td")[2]?.textContent;
    expect(statusOf("fan on")).toMatch(/^Delivered \(.+\)$/);
    expect(statusOf("fan off")).toBe("Expired: not delivered in time");
    fireEvent.change(screen.getByLabelText("Command"), { target: { value: "defrost" } });
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    await waitFor(() => expect(sendCommand).toHaveBeenCalledWith("d-1", "defrost"));
    await within(table).findByText("defrost");
    expect(statusOf("defrost")).toBe("Pending: waiting for the device");
  });
});
