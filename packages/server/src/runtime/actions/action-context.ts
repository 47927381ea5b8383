import type { Scope } from "@conflux/core";
import type { MailService } from "../../mail/smtp.ts";
import type { OutboundClient } from "../../outbound/guarded-client.ts";
import type { Cipher } from "../../secrets/cipher.ts";
import type { OperatorStore } from "../../store/store.ts";
import type { AiPort } from "../ports/ai-port.ts";
import type { ApiCallPort } from "../ports/api-call-port.ts";
import type { CollectPort } from "../ports/collect-port.ts";
import type { DevicePort } from "../ports/device-port.ts";
import type { GoogleTokenPort } from "../ports/google-token-port.ts";
import type { VerifiedAddressesPort } from "../ports/verified-addresses.ts";
import { type ActionContext, ActionError } from "./action.ts";

/** The process-wide services an action run draws on, whoever starts it (the runtime, or the studio's try-it). */
export interface ActionServices {
  outbound: OutboundClient;
  mail: MailService | undefined;
  cipher: Cipher;
  ai: AiPort;
  devices: DevicePort;
  lineApiUrl: string;
  googleTokens: GoogleTokenPort;
  collectBatches: CollectPort;
  apiCalls: ApiCallPort;
  verifiedAddresses: VerifiedAddressesPort;
}

/** One run's context: the services, narrowed to the operator the run belongs to. */
export function createActionContext(
  services: ActionServices,
  operator: OperatorStore,
  run: { scope: Scope; idempotencyKey: string; hop: number },
): ActionContext {
  // Built when an action asks: most steps (republish, webhook) never reach devices or the API.
  let devices: ActionContext["devices"] | undefined;
  let apiCalls: ActionContext["apiCalls"] | undefined;
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
    get devices() {
      devices ??= services.devices.forOperator(operator.operatorId);
      return devices;
    },
    lineApiUrl: services.lineApiUrl,
    googleTokens: services.googleTokens,
    collectBatches: services.collectBatches,
    get apiCalls() {
      apiCalls ??= services.apiCalls.forOperator(operator.operatorId);
      return apiCalls;
    },
    verifiedAddresses: services.verifiedAddresses,
  };
}
