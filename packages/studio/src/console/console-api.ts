import { createContext, useContext, useMemo } from "react";
import { ApiError, type AuthHeaders, createHttpClient, type HttpClient } from "../api/client.ts";
import { loadSession } from "../api/session.ts";
import { useStudio } from "../shell/studio-context.tsx";

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

export interface Device {
  deviceId: string;
  name: string;
  groupId: string | null;
  tags: Record<string, string>;
  createdAt: number;
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
  createGroup(group: { name: string; config: GroupConfig }): Promise<DeviceGroup>;
  deleteGroup(groupId: string): Promise<void>;
  listDevices(): Promise<Device[]>;
  getDevice(deviceId: string): Promise<Device>;
  /** The secret is in this answer only. */
  createDevice(device: { name: string; groupId: string | null }): Promise<Device & { secret: string }>;
  deleteDevice(deviceId: string): Promise<void>;
  sendCommand(deviceId: string, command: string): Promise<void>;
  /** The newest entries, newest first. */
  recentData(deviceId: string, limit: number): Promise<DataEntry[]>;
  listFiles(prefix: string): Promise<StoredFile[]>;
  uploadFile(path: string, file: Blob): Promise<void>;
  deleteFile(path: string): Promise<void>;
  /** A signed link, valid one hour: usable as an image source or a download. */
  fileUrl(path: string): Promise<string>;
}

const segment = encodeURIComponent;
const pathSegments = (path: string) => path.split("/").map(segment).join("/");

export function createConsoleApi(http: HttpClient, auth: () => AuthHeaders | undefined): ConsoleApi {
  return {
    listGroups: () => http.json("GET", "/v1/device_groups"),
    createGroup: (group) => http.json("POST", "/v1/device_groups", { body: group }),
    deleteGroup: (groupId) => http.json("DELETE", `/v1/device_groups/${segment(groupId)}`),
    listDevices: () => http.json("GET", "/v1/devices"),
    getDevice: (deviceId) => http.json("GET", `/v1/devices/${segment(deviceId)}`),
    createDevice: (device) => http.json("POST", "/v1/devices", { body: device }),
    deleteDevice: (deviceId) => http.json("DELETE", `/v1/devices/${segment(deviceId)}`),
    async sendCommand(deviceId, command) {
      await http.json("POST", `/v1/devices/${segment(deviceId)}/commands`, {
        body: command,
        contentType: "text/plain",
      });
    },
    async recentData(deviceId, limit) {
      const page = await http.json<{ entries: DataEntry[] }>(
        "GET",
        `/v1/data/${segment(deviceId)}?order=desc&limit=${limit}`,
      );
      return page.entries;
    },
    listFiles: (prefix) => http.json("GET", `/v1/files${pathSegments(prefix)}?limit=1000`),
    async uploadFile(path, file) {
      // Bytes as they are, with their own content type: the JSON client does not fit.
      const credentials = auth();
      const response = await fetch(`/v1/files${pathSegments(path)}`, {
        method: "PUT",
        headers: {
          "content-type": file.type || "application/octet-stream",
          ...(credentials
            ? { "x-conflux-api-key": credentials.apiKey, "x-conflux-token": credentials.token }
            : {}),
        },
        body: file,
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
        throw new ApiError(
          response.status,
          body.code ?? "http_error",
          body.message ?? `upload failed (${response.status})`,
        );
      }
    },
    deleteFile: (path) => http.json("DELETE", `/v1/files${pathSegments(path)}`),
    async fileUrl(path) {
      return (await http.json<{ url: string }>("GET", `/v1/file-urls${pathSegments(path)}`)).url;
    },
  };
}

/** Tests put a stand-in here; the studio uses the logged-in session. */
export const ConsoleApiContext = createContext<ConsoleApi | undefined>(undefined);

export function useConsoleApi(): ConsoleApi {
  const provided = useContext(ConsoleApiContext);
  const { logOut } = useStudio();
  return useMemo(
    () =>
      provided ??
      createConsoleApi(
        createHttpClient(
          () => loadSession(),
          () => void logOut(),
        ),
        () => loadSession(),
      ),
    [provided, logOut],
  );
}
