import type { Transaction } from "kysely";
import type { Database } from "../../store/schema.ts";
/**
 * What actions may use of one operator's devices (the data-store and device-command actions): the
 * devices feature implements it, scoped to the operator the run belongs to.
 */
export interface OperatorDeviceAccess {
  readonly registry: { owns(deviceId: string): Promise<boolean> };
  readonly data: {
    /** Checks the entries now (their size) and returns their insert, for the transaction that records the step. */
    insertion(
      entries: Array<{
        resourceType: "Device";
        resourceId: string;
        time: number;
        contentType: string;
        content: string;
      }>,
    ): (trx: Transaction<Database>) => Promise<void>;
  };
  readonly commands: {
    send(
      deviceId: string,
      payload: string,
      options?: { ttlSeconds?: number; idempotencyKey?: string },
    ): Promise<{ commandId: string; topic: string; status: string }>;
  };
}

export interface DevicePort {
  forOperator(operatorId: string): OperatorDeviceAccess;
}
