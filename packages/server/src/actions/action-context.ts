import type { Scope } from "@conflux/core";
import type { AiServices } from "../ai/ai-services.ts";
import { type DeviceServices, deviceAccessFor } from "../devices/device-services.ts";
import type { MailService } from "../mail/smtp.ts";
import type { OutboundClient } from "../outbound/guarded-client.ts";
import type { CollectBatches } from "../runtime/collect-batches.ts";
import type { Cipher } from "../secrets/cipher.ts";
import type { OperatorStore } from "../store/store.ts";
import { type ActionContext, ActionError } from "./action.ts";
import type { GoogleAccessTokens } from "./google-access-tokens.ts";

/** The process-wide services an action run draws on, whoever starts it (the runtime, or the studio's try-it). */
export interface ActionServices {
  outbound: OutboundClient;
  mail: MailService | undefined;
  cipher: Cipher;
  ai: AiServices;
  devices: DeviceServices;
  lineApiUrl: string;
  googleTokens: GoogleAccessTokens;
  collectBatches: CollectBatches;
}

/** One run's context: the services, narrowed to the operator the run belongs to. */
export function createActionContext(
  services: ActionServices,
  operator: OperatorStore,
  run: { scope: Scope; idempotencyKey: string; hop: number },
): ActionContext {
  return {
    ...run,
    operator,
    outbound: services.outbound,
    mail: services.mail,
    openCredential: async (credentialsId) => {
      const credential = await operator.getCredential(credentialsId);
      if (!credential) throw new ActionError("credentials_not_found", `no credentials '${credentialsId}'`);
      return JSON.parse(services.cipher.open(credential.sealed)) as Record<string, string>;
    },
    ai: services.ai,
    devices: deviceAccessFor(services.devices, operator.operatorId),
    lineApiUrl: services.lineApiUrl,
    googleTokens: services.googleTokens,
    collectBatches: services.collectBatches,
  };
}
