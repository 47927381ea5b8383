export * from "./app/action-configs.ts";
export * from "./app/event-sources.ts";
export * from "./app/fields.ts";
export * from "./app/model.ts";
export * from "./app/validate.ts";
export * from "./expression/index.ts";
export * from "./json-depth.ts";
export * from "./message.ts";
