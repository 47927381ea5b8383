import { z } from "zod";
import { templateField } from "./fields.ts";

/** The configuration of the actions that reach devices and the data store (issue 4). */

export const dataStoreConfigSchema = z.looseObject({
  /** The device whose data the entry joins; by default the device that sent the triggering message. */
  deviceId: templateField("text").default("${event.context.resource.deviceId}"),
  /** The entry, a JSON template (`payload` is the action's input); the input itself when absent. */
  value: templateField("json").optional(),
});

export const deviceCommandConfigSchema = z.looseObject({
  /** One of the operator's devices. */
  deviceId: templateField("text"),
  /** What the device receives on `devices/{deviceId}/commands`; a lone `${…}` that is not a string goes as JSON. */
  payload: templateField("text").default("${payload}"),
});
