import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { ListPage, PageQuery } from "../api/conflux-api.ts";
import { matchRoute, pathOf } from "../shell/router.tsx";
import { renderPage } from "../shell/testing.tsx";
import {
  type BindableApp,
  type ConsoleApi,
  ConsoleApiContext,
  type DataEntry,
  type Device,
  type DeviceCommand,
  type DeviceGroup,
} from "./console-api.ts";
import { DevicePage } from "./DevicePage.tsx";
import { DevicesPage } from "./DevicesPage.tsx";
import { FilesPage } from "./FilesPage.tsx";
import { breadcrumbsOf, folderLocation, folderOf, rowsUnder } from "./file-paths.ts";

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
      const device = {
        deviceId: "d-new",
        name: draft.name,
        groupId: draft.groupId,
        tags: {},
        createdAt: 0,
        lastSeenAt: null,
        messageCount: 0,
      };
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
  const files = [
    { path: "/cam1/a.jpg", contentType: "image/jpeg", size: 2048, updatedAt: 0 },
    { path: "/cam1/night/b.jpg", contentType: "image/jpeg", size: 10, updatedAt: 0 },
    { path: "/readme.txt", contentType: "text/plain", size: 10, updatedAt: 0 },
  ];
  const listFiles = (prefix: string) =>
    Promise.resolve({ items: files.filter((file) => file.path.startsWith(prefix)), nextCursor: null });

  it("derives folders from paths, and reads and writes the folder in the address", () => {
    expect(rowsUnder("/", files).map((row) => [row.kind, row.path])).toEqual([
      ["folder", "/cam1/"],
      ["file", "/readme.txt"],
    ]);
    expect(folderOf("?path=/cam1/night/")).toBe("/cam1/night/");
    expect(folderOf("?path=cam1")).toBe("/cam1/");
    expect(folderOf("")).toBe("/");
    expect(folderOf("?path=/cam1/../x/")).toBe("/");
    expect(folderLocation("/cam 1/")).toBe("/files?path=/cam%201/");
    expect(folderLocation("/")).toBe("/files");
    expect(breadcrumbsOf("/cam1/night/")).toEqual([
      { name: "Files", path: "/" },
      { name: "cam1", path: "/cam1/" },
      { name: "night", path: "/cam1/night/" },
    ]);
  });

  it("opens folders by link into the address, with breadcrumbs, and the back button goes up again", async () => {
    window.history.replaceState(null, "", "/files");
    const list = vi.fn(listFiles);
    renderConsole(<FilesPage />, {
      listFiles: list,
      fileUrl: async (path) => `/v1/signed/files/OP0000000001${path}?expires=1&signature=x`,
    });
    fireEvent.click(await screen.findByRole("link", { name: "cam1/" }));
    await waitFor(() => expect(list).toHaveBeenLastCalledWith("/cam1/"));
    expect(window.location.search).toBe("?path=/cam1/");
    fireEvent.click(await screen.findByRole("link", { name: "night/" }));
    await waitFor(() => expect(list).toHaveBeenLastCalledWith("/cam1/night/"));
    const crumbs = screen.getByRole("navigation", { name: "Folder" });
    expect(within(crumbs).getByText("night").getAttribute("aria-current")).toBe("page");
    expect(within(crumbs).getByRole("link", { name: "cam1" }).getAttribute("href")).toBe(
      "/files?path=/cam1/",
    );

    window.history.back();
    await waitFor(() => expect(list).toHaveBeenLastCalledWith("/cam1/"));
    fireEvent.click(await screen.findByRole("button", { name: "a.jpg" }));
    const image = (await screen.findByRole("img", { name: "/cam1/a.jpg" })) as HTMLImageElement;
    expect(image.getAttribute("src")).toContain("/v1/signed/files/OP0000000001/cam1/a.jpg");
    // At its own size: no width or height set, the stylesheet only caps it at the page's width.
    expect(image.className).toBe("cfx-file-preview__image");
    expect(image.getAttribute("width")).toBeNull();
    fireEvent.click(within(crumbs).getByRole("link", { name: "Files" }));
    await waitFor(() => expect(window.location.search).toBe(""));
    await waitFor(() => expect(list).toHaveBeenLastCalledWith("/"));
  });

  it("opens a deep link at its folder, and makes a new folder by opening it", async () => {
    window.history.replaceState(null, "", "/files?path=/cam1/");
    const list = vi.fn(listFiles);
    renderConsole(<FilesPage />, { listFiles: list });
    await screen.findByRole("button", { name: "a.jpg" });
    expect(list).toHaveBeenCalledWith("/cam1/");
    expect(screen.getByRole("link", { name: ".. (up)" }).getAttribute("href")).toBe("/files");

    fireEvent.click(screen.getByRole("button", { name: "New folder" }));
    const dialog = screen.getByRole("dialog", { name: "New folder" });
    const name = within(dialog).getByLabelText("Folder name");
    const submit = within(dialog).getByRole("button", { name: "Open new folder" }) as HTMLButtonElement;
    fireEvent.change(name, { target: { value: "a/b" } });
    expect(submit.disabled).toBe(true);
    expect(dialog.textContent).toContain("A folder name cannot contain /.");
    fireEvent.change(name, { target: { value: "day" } });
    fireEvent.click(submit);
    await waitFor(() => expect(window.location.search).toBe("?path=/cam1/day/"));
    expect(
      await screen.findByText(/No files here\. A new folder is kept once a file is uploaded to it\./),
    ).toBeTruthy();
    expect(list).toHaveBeenLastCalledWith("/cam1/day/");
  });

  it("asks before an upload replaces a file of the same name, and uploads a new name at once", async () => {
    window.history.replaceState(null, "", "/files?path=/cam1/");
    const uploadFile = vi.fn(async () => {});
    renderConsole(<FilesPage />, { listFiles, uploadFile });
    await screen.findByRole("button", { name: "a.jpg" });
    const input = screen.getByLabelText("File to upload");
    const existing = new File(["new bytes"], "a.jpg", { type: "image/jpeg" });
    fireEvent.change(input, { target: { files: [existing] } });
    const confirm = await screen.findByRole("dialog", { name: "Replace file?" });
    expect(uploadFile).not.toHaveBeenCalled();
    fireEvent.click(within(confirm).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("dialog", { name: "Replace file?" })).toBeNull());
    expect(uploadFile).not.toHaveBeenCalled();

    fireEvent.change(input, { target: { files: [existing] } });
    fireEvent.click(
      within(await screen.findByRole("dialog", { name: "Replace file?" })).getByRole("button", {
        name: "Replace file",
      }),
    );
    await waitFor(() => expect(uploadFile).toHaveBeenCalledWith("/cam1/a.jpg", existing));

    const fresh = new File(["x"], "c.jpg", { type: "image/jpeg" });
    fireEvent.change(input, { target: { files: [fresh] } });
    await waitFor(() => expect(uploadFile).toHaveBeenLastCalledWith("/cam1/c.jpg", fresh));
    expect(screen.queryByRole("dialog", { name: "Replace file?" })).toBeNull();
  });

  it("lists a folder longer than a page in full, a page more at a time", async () => {
    window.history.replaceState(null, "", "/files?path=/cam1/");
    const list = vi.fn(async (_prefix: string, cursor?: string) =>
      cursor === undefined
        ? { items: files.slice(0, 2), nextCursor: "/cam1/night/b.jpg" }
        : { items: [fileOf("/cam1/z.jpg"), fileOf("/cam1/zz/c.jpg")], nextCursor: null },
    );
    renderConsole(<FilesPage />, { listFiles: list });
    await screen.findByRole("button", { name: "a.jpg" });
    expect(screen.queryByRole("button", { name: "z.jpg" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "More files" }));
    await screen.findByRole("button", { name: "z.jpg" });
    expect(list).toHaveBeenLastCalledWith("/cam1/", "/cam1/night/b.jpg");
    // The later page adds to the folders and files of the first.
    const table = screen.getByRole("table", { name: "Files in /cam1/" });
    expect(within(table).getByRole("link", { name: "night/" })).toBeTruthy();
    expect(within(table).getByRole("link", { name: "zz/" })).toBeTruthy();
    expect(within(table).getByRole("button", { name: "a.jpg" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "More files" })).toBeNull();
  });

  function fileOf(path: string) {
    return { path, contentType: "image/jpeg", size: 1, updatedAt: 0 };
  }
});

const fridge: Device = {
  deviceId: "d-1",
  name: "fridge",
  groupId: null,
  tags: {},
  createdAt: 0,
  lastSeenAt: null,
  messageCount: 0,
};

describe("the device list", () => {
  it("shows when each device last sent and how many messages it has sent", async () => {
    renderConsole(<DevicesPage />, {
      listGroups: async () => [],
      listApps: async () => [],
      listDevices: async () => [
        { ...fridge, lastSeenAt: Date.UTC(2026, 0, 1, 12), messageCount: 12_345 },
        { ...fridge, deviceId: "d-2", name: "new" },
      ],
    });
    const table = await screen.findByRole("table", { name: "Devices" });
    await within(table).findByText("d-1");
    const headers = [...table.querySelectorAll("th")].map((th) => th.textContent);
    expect(headers.slice(0, 5)).toEqual(["Id", "Name", "Group", "Last seen", "Messages"]);
    const cells = (deviceId: string) =>
      [...(within(table).getByText(deviceId).closest("tr")?.querySelectorAll("td") ?? [])].map((td) => td);
    const [, , , seen, count] = cells("d-1");
    expect(seen?.querySelector("time")?.getAttribute("dateTime")).toBe("2026-01-01T12:00:00.000Z");
    expect(count?.textContent).toBe((12_345).toLocaleString());
    expect(
      cells("d-2")
        .map((td) => td.textContent)
        .slice(3, 5),
    ).toEqual(["never", "0"]);
  });
});

describe("the device page", () => {
  it("shows copyable MQTT, HTTP, UDP and TCP instructions with its id, this host and the server's ports", async () => {
    window.history.replaceState(null, "", "/devices/d-1");
    const writeText = vi.fn(async (_text: string) => {});
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    renderConsole(<DevicePage deviceId="d-1" />, {
      getDevice: async () => fridge,
      deviceListeners: async () => ({ mqtt: { mode: "embedded", port: 18_840 }, socketPort: 23_081 }),
      listData: async () => ({ items: [], nextCursor: null }),
      listCommands: async () => ({ items: [], nextCursor: null }),
    });
    const { hostname, origin } = window.location;
    const mqtt = await screen.findByRole("figure", { name: "MQTT command" });
    const details = mqtt.closest("details") as HTMLDetailsElement;
    // Never sent anything: the instructions are open.
    await waitFor(() => expect(details.open).toBe(true));
    expect(mqtt.textContent).toContain(
      `mosquitto_pub -h ${hostname} -p 18840 -i d-1 -u d-1 -P "$SECRET" \\\n  -q 1 -t devices/d-1/data -m '{"temp":4.5}'`,
    );
    const http = screen.getByRole("figure", { name: "HTTP command" }).textContent ?? "";
    expect(http).toContain(`curl -X POST '${origin}/v1/devices/d-1/data'`);
    expect(http).toContain("Authorization: Bearer $SECRET");
    for (const protocol of ["UDP", "TCP"]) {
      const script = screen.getByRole("figure", { name: `${protocol} command` }).textContent ?? "";
      expect(script).toContain('Buffer.from("d-1")');
      expect(script).toContain("23081");
      expect(script).toContain(JSON.stringify(hostname));
    }
    fireEvent.click(screen.getByRole("button", { name: "Copy MQTT command" }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(expect.stringContaining("-p 18840")));
    expect(screen.getByRole("button", { name: "Copy MQTT command" }).textContent).toBe("Copied");
    expect(screen.getByText("No message yet.")).toBeTruthy();
  });

  it("issues a new secret after a warning and shows it once", async () => {
    const renewSecret = vi.fn(async (deviceId: string) => ({ deviceId, secret: "n3w-s3cret" }));
    renderConsole(<DevicePage deviceId="d-1" />, {
      getDevice: async () => fridge,
      deviceListeners: async () => ({ mqtt: { mode: "off", port: null }, socketPort: null }),
      listData: async () => ({ items: [], nextCursor: null }),
      listCommands: async () => ({ items: [], nextCursor: null }),
      renewSecret,
    });
    fireEvent.click(await screen.findByRole("button", { name: "Issue a new secret" }));
    const warning = screen.getByRole("dialog", { name: "Issue a new secret?" });
    expect(warning.textContent).toContain("stops working");
    fireEvent.click(within(warning).getByRole("button", { name: "Cancel" }));
    expect(renewSecret).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole("button", { name: "Issue a new secret" }));
    fireEvent.click(
      within(screen.getByRole("dialog", { name: "Issue a new secret?" })).getByRole("button", {
        name: "Issue a new secret",
      }),
    );
    const shown = await screen.findByRole("dialog", { name: "New secret" });
    expect(renewSecret).toHaveBeenCalledWith("d-1");
    expect((within(shown).getByLabelText("Secret") as HTMLInputElement).value).toBe("n3w-s3cret");
    fireEvent.click(within(shown).getByRole("button", { name: "I have copied the secret" }));
    await waitFor(() => expect(document.body.innerHTML).not.toContain("n3w-s3cret"));
    expect(screen.getByText("MQTT is off on this server.")).toBeTruthy();
  });

  it("says which listeners are off or external instead of showing commands that cannot work", async () => {
    renderConsole(<DevicePage deviceId="d-1" />, {
      getDevice: async () => ({ ...fridge, lastSeenAt: 1, messageCount: 1 }),
      deviceListeners: async () => ({ mqtt: { mode: "external", port: null }, socketPort: null }),
      listData: async () => ({ items: [], nextCursor: null }),
      listCommands: async () => ({ items: [], nextCursor: null }),
    });
    await screen.findByText(/This server reads an external broker/);
    expect(screen.getAllByText("UDP and TCP are off on this server.")).toHaveLength(2);
    expect(screen.queryByRole("figure", { name: "MQTT command" })).toBeNull();
    expect(screen.getByRole("figure", { name: "HTTP command" })).toBeTruthy();
    // A device that has sent: folded away under the heading.
    expect(
      (screen.getByRole("figure", { name: "HTTP command" }).closest("details") as HTMLDetailsElement).open,
    ).toBe(false);
  });

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
      getDevice: async () => ({ ...fridge, lastSeenAt: 1_767_225_600_000, messageCount: 12 }),
      deviceListeners: async () => ({ mqtt: { mode: "embedded", port: 1884 }, socketPort: 23080 }),
      listData: async () => ({ items: [], nextCursor: null }),
      listCommands: async () => ({ items: [...commands], nextCursor: null }),
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

  it("pages its entries and its commands back to the oldest", async () => {
    // 25 entries and 12 commands, newest first, each listed 20 and 10 to a page.
    const entries: DataEntry[] = Array.from({ length: 25 }, (_, index) => ({
      time: 1_767_225_600_000 - index * 1_000,
      contentType: "application/json",
      content: { note: `entry ${index}` },
    }));
    const commands: DeviceCommand[] = Array.from({ length: 12 }, (_, index) => ({
      commandId: `c-${index}`,
      deviceId: "d-1",
      payload: `command ${index}`,
      status: "pending",
      createdAt: 1_767_225_600_000 - index * 1_000,
      expiresAt: 1_767_229_200_000,
      deliveredAt: null,
    }));
    const pageOf = <T,>(items: T[], page: PageQuery): ListPage<T> => {
      const start = Number(page.cursor ?? 0);
      const end = start + (page.limit ?? 100);
      return { items: items.slice(start, end), nextCursor: end < items.length ? String(end) : null };
    };
    renderConsole(<DevicePage deviceId="d-1" />, {
      getDevice: async () => ({ ...fridge, lastSeenAt: 1, messageCount: 25 }),
      deviceListeners: async () => ({ mqtt: { mode: "off", port: null }, socketPort: null }),
      listData: async (_deviceId, page) => pageOf(entries, page),
      listCommands: async (_deviceId, page) => pageOf(commands, page),
    });
    const entryTable = await screen.findByRole("table", { name: "Latest entries" });
    await within(entryTable).findByText(/entry 19/);
    expect(within(entryTable).queryByText(/entry 20/)).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Older entries" }));
    await within(entryTable).findByText(/entry 24/);
    expect(within(entryTable).queryByText(/entry 19/)).toBeNull();
    expect((screen.getByRole("button", { name: "Older entries" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Newer entries" }));
    await within(entryTable).findByText(/entry 0"/);

    const commandTable = screen.getByRole("table", { name: "Recent commands" });
    await within(commandTable).findByText("command 9");
    expect(within(commandTable).queryByText("command 11")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Older commands" }));
    await within(commandTable).findByText("command 11");
    expect(within(commandTable).queryByText("command 9")).toBeNull();
  });
});
