import type { App } from "@conflux/core";
import { createContext, useContext } from "react";
import type { HttpClient } from "../api/client.ts";
import type { ListPage, PageQuery } from "../api/conflux-api.ts";

/** The console's view of devices, their data and files (server: packages/server/src/devices, files). */

export interface GroupConfig {
  binding: { appId: string; channelId: string } | null;
  keepData: boolean;
  binaryParser: string | null;
}

export interface DeviceGroup {
  groupId: string;
  name: string;
  tags: Record<string, string>;
  config: GroupConfig;
  createdAt: number;
}

/** What a group's form needs of an app to offer its channels with a `device` event source. */
export type BindableApp = Pick<App, "appId" | "name" | "channels">;

/** What `POST` and `PUT /v1/device_groups` take. */
export interface GroupInput {
  name: string;
  tags: Record<string, string>;
  config: GroupConfig;
}

export interface Device {
  deviceId: string;
  name: string;
  groupId: string | null;
  tags: Record<string, string>;
  createdAt: number;
  /** The last accepted message's time (the server counts a second behind); null before the first. */
  lastSeenAt: number | null;
  messageCount: number;
}

/** Where devices connect besides HTTP (`GET /v1/device_listeners`); a null port is a listener that is off. */
export interface DeviceListeners {
  mqtt: { mode: "embedded" | "external" | "off"; port: number | null };
  socketPort: number | null;
}

/** A command in a device's outbox (docs/devices.md, Commands). */
export interface DeviceCommand {
  commandId: string;
  deviceId: string;
  payload: string;
  status: "pending" | "delivered" | "expired" | "published";
  createdAt: number;
  expiresAt: number;
  deliveredAt: number | null;
}

export interface DataEntry {
  time: number;
  contentType: string;
  content: unknown;
}

export interface StoredFile {
  path: string;
  contentType: string;
  size: number;
  updatedAt: number;
}

export interface ConsoleApi {
  listGroups(): Promise<DeviceGroup[]>;
  createGroup(group: GroupInput): Promise<DeviceGroup>;
  updateGroup(groupId: string, group: GroupInput): Promise<DeviceGroup>;
  deleteGroup(groupId: string): Promise<void>;
  listDevices(): Promise<Device[]>;
  /** The operator's apps, for binding a group to one of their device channels. */
  listApps(): Promise<BindableApp[]>;
  getDevice(deviceId: string): Promise<Device>;
  deviceListeners(): Promise<DeviceListeners>;
  /** The secret is in this answer only. */
  createDevice(device: { name: string; groupId: string | null }): Promise<Device & { secret: string }>;
  deleteDevice(deviceId: string): Promise<void>;
  /** A new secret, in this answer only; the old one stops working. */
  renewSecret(deviceId: string): Promise<{ deviceId: string; secret: string }>;
  sendCommand(deviceId: string, command: string): Promise<DeviceCommand>;
  /** A page of the device's commands, newest first; its `nextCursor` asks for the older ones. */
  listCommands(deviceId: string, page: PageQuery): Promise<ListPage<DeviceCommand>>;
  /** A page of the device's entries, newest first; its `nextCursor` asks for the older ones. */
  listData(deviceId: string, page: PageQuery): Promise<ListPage<DataEntry>>;
  /** A page of the files under `prefix` (in its sub-folders too), by path; `cursor` asks for the page after. */
  listFiles(prefix: string, cursor?: string): Promise<ListPage<StoredFile>>;
  uploadFile(path: string, file: Blob): Promise<void>;
  deleteFile(path: string): Promise<void>;
  /** A signed link, valid one hour: usable as an image source or a download. */
  fileUrl(path: string): Promise<string>;
}

const segment = encodeURIComponent;
const pathSegments = (path: string) => path.split("/").map(segment).join("/");

/** The query of a page of a list, after any of the list's own parameters. */
function pageParams(page: PageQuery, own: Record<string, string> = {}): string {
  const params = new URLSearchParams(own);
  if (page.cursor !== undefined) params.set("cursor", page.cursor);
  if (page.limit !== undefined) params.set("limit", String(page.limit));
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function createConsoleApi(http: HttpClient): ConsoleApi {
  return {
    listGroups: () => http.json("GET", "/v1/device_groups"),
    createGroup: (group) => http.json("POST", "/v1/device_groups", { body: group }),
    updateGroup: (groupId, group) =>
      http.json("PUT", `/v1/device_groups/${segment(groupId)}`, { body: group }),
    deleteGroup: (groupId) => http.json("DELETE", `/v1/device_groups/${segment(groupId)}`),
    listDevices: () => http.json("GET", "/v1/devices"),
    listApps: async () => (await http.json<ListPage<BindableApp>>("GET", "/v1/apps")).items,
    getDevice: (deviceId) => http.json("GET", `/v1/devices/${segment(deviceId)}`),
    deviceListeners: () => http.json("GET", "/v1/device_listeners"),
    createDevice: (device) => http.json("POST", "/v1/devices", { body: device }),
    deleteDevice: (deviceId) => http.json("DELETE", `/v1/devices/${segment(deviceId)}`),
    renewSecret: (deviceId) => http.json("POST", `/v1/devices/${segment(deviceId)}/secret`),
    sendCommand: (deviceId, command) =>
      http.json("POST", `/v1/devices/${segment(deviceId)}/commands`, {
        body: command,
        contentType: "text/plain",
      }),
    listCommands: (deviceId, page) =>
      http.json("GET", `/v1/devices/${segment(deviceId)}/commands${pageParams(page)}`),
    listData: (deviceId, page) =>
      http.json("GET", `/v1/data/${segment(deviceId)}${pageParams(page, { order: "desc" })}`),
    listFiles: (prefix, cursor) =>
      http.json("GET", `/v1/files${pathSegments(prefix)}${pageParams({ cursor, limit: 1000 })}`),
    async uploadFile(path, file) {
      // The bytes as they are, with their own content type.
      await http.json("PUT", `/v1/files${pathSegments(path)}`, {
        body: file,
        contentType: file.type || "application/octet-stream",
      });
    },
    deleteFile: (path) => http.json("DELETE", `/v1/files${pathSegments(path)}`),
    async fileUrl(path) {
      return (await http.json<{ url: string }>("GET", `/v1/file-urls${pathSegments(path)}`)).url;
    },
  };
}

/**
 * The shell provides it over its own HTTP client, so the console's calls carry the session and end it
 * the same way on a 401; tests put a stand-in here.
 */
export const ConsoleApiContext = createContext<ConsoleApi | undefined>(undefined);

export function useConsoleApi(): ConsoleApi {
  const api = useContext(ConsoleApiContext);
  if (!api) throw new Error("useConsoleApi outside <Studio>");
  return api;
}
