import { ulid } from "ulid";

/**
 * SORACOM Flux's export as spec/apps.md describes it, built from those facts: no event sources,
 * `appId` on every channel and action, every field of an action written out, a disabled output as
 * `{"enabled": false, "splitArray": false}` without a channelId.
 */
export function fluxApp(
  channelNames: string[],
  actions: (ids: { appId: string; channelIds: string[] }) => Array<Record<string, unknown>>,
) {
  const appId = ulid();
  const channelIds = channelNames.map(() => ulid());
  return {
    appId,
    name: "Flux sample",
    description: "exported from SORACOM Flux",
    tags: { team: "iot" },
    channels: channelNames.map((name, index) => ({
      channelId: channelIds[index] as string,
      appId,
      name,
      description: "",
      tags: {},
    })),
    actions: actions({ appId, channelIds }).map((fields) => ({
      actionId: ulid(),
      appId,
      name: "",
      description: "",
      enabled: true,
      condition: "",
      output: { enabled: false, splitArray: false },
      tags: {},
      ...fields,
    })),
  };
}
