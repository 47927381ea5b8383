// Apps the editor's tests share: small, but with every kind of node and edge.
import type { App } from "@conflux/core";

export function coldChainApp(): App {
  return {
    appId: "01JT7K440VXVXEMTBZX4P8GE8T",
    createdAt: 1,
    updatedAt: 2,
    name: "Cold chain",
    description: "Alerts when a fridge is warm",
    tags: { team: "ops" },
    channels: [
      {
        channelId: "readings",
        name: "Readings",
        description: "from the sensors",
        tags: { floor: "2" },
        eventSource: { type: "api", enabled: true, config: {} },
      },
      { channelId: "alerts", name: "Alerts", description: "", tags: {} },
      { channelId: "failures", name: "Failures", description: "", tags: {} },
    ],
    actions: [
      {
        actionId: "too-warm",
        channelId: "readings",
        name: "Too warm",
        description: "",
        enabled: true,
        condition: "payload.temp > 8",
        type: "republish",
        config: { transform: { contentType: "application/json", content: '{"t": ${payload.temp}}' } },
        output: { enabled: true, channelId: "alerts", splitArray: false, delaySeconds: 0 },
        errorOutput: { enabled: false },
        tags: {},
      },
      {
        actionId: "notify",
        channelId: "alerts",
        name: "Notify",
        description: "calls the pager",
        enabled: true,
        condition: "",
        type: "webhook",
        config: {
          method: "POST",
          url: "https://pager.example/${payload.t}",
          headers: { "x-team": "ops" },
          body: { mode: "forward" },
          auth: { type: "none" },
          extraKeptField: 7,
        },
        output: { enabled: false, splitArray: false, delaySeconds: 0 },
        errorOutput: { enabled: true, channelId: "failures" },
        tags: { owner: "me" },
      },
      {
        actionId: "tell",
        channelId: "failures",
        name: "Tell LINE",
        description: "",
        enabled: true,
        condition: "",
        type: "line",
        config: { to: "U123", text: "failed: ${payload.t}" },
        output: { enabled: false, splitArray: false, delaySeconds: 0 },
        errorOutput: { enabled: false },
        tags: {},
      },
    ],
  };
}
