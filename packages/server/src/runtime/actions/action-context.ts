import type { Scope } from "@conflux/core";
import type { MailService } from "../../mail/smtp.ts";
import type { OutboundClient } from "../../outbound/guarded-client.ts";
import type { Cipher } from "../../secrets/cipher.ts";
import type { OperatorStore } from "../../store/store.ts";
import type { AiPort } from "../ports/ai-port.ts";
import type { ApiCallPort, OperatorApiCalls } from "../ports/api-call-port.ts";
import type { CollectPort } from "../ports/collect-port.ts";
import type { DevicePort, OperatorDeviceAccess } from "../ports/device-port.ts";
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

/** One run's context: the services (`outbound` in place of theirs, when given), narrowed to the run's operator. */
export function createActionContext(
  services: ActionServices,
  operator: OperatorStore,
  run: { scope: Scope; idempotencyKey: string; hop: number },
  outbound: OutboundClient = services.outbound,
): ActionContext {
  return new RunContext(services, operator, run, outbound);
}

/**
 * A class rather than an object literal: a step makes one, and a literal defines its getters anew on
 * every object. Device and API access are built when an action asks: most steps never reach them.
 */
class RunContext implements ActionContext {
  readonly scope: Scope;
  readonly idempotencyKey: string;
  readonly hop: number;
  private operatorDevices: OperatorDeviceAccess | undefined;
  private operatorApiCalls: OperatorApiCalls | undefined;

  constructor(
    private readonly services: ActionServices,
    readonly operator: OperatorStore,
    run: { scope: Scope; idempotencyKey: string; hop: number },
    readonly outbound: OutboundClient,
  ) {
    this.scope = run.scope;
    this.idempotencyKey = run.idempotencyKey;
    this.hop = run.hop;
  }

  get mail() {
    return this.services.mail;
  }
  get ai() {
    return this.services.ai;
  }
  get lineApiUrl() {
    return this.services.lineApiUrl;
  }
  get googleTokens() {
    return this.services.googleTokens;
  }
  get collectBatches() {
    return this.services.collectBatches;
  }
  get verifiedAddresses() {
    return this.services.verifiedAddresses;
  }

  get devices(): OperatorDeviceAccess {
    this.operatorDevices ??= this.services.devices.forOperator(this.operator.operatorId);
    return this.operatorDevices;
  }

  get apiCalls(): OperatorApiCalls {
    this.operatorApiCalls ??= this.services.apiCalls.forOperator(this.operator.operatorId);
    return this.operatorApiCalls;
  }

  /** A property, not a method: actions hand it on to code that calls it alone (ai/ask-model.ts). */
  readonly openCredential = async (credentialsId: string): Promise<Record<string, string>> => {
    const credential = await this.operator.getCredential(credentialsId);
    if (!credential) throw new ActionError("credentials_not_found", `no credentials '${credentialsId}'`);
    return JSON.parse(this.services.cipher.open(credential.sealed)) as Record<string, string>;
  };
}
