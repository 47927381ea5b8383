import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { matchRoute, pathOf } from "../shell/router.tsx";
import { renderPage } from "../shell/testing.tsx";
import { type ConsoleApi, ConsoleApiContext, type Device, type DeviceGroup } from "./console-api.ts";
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
