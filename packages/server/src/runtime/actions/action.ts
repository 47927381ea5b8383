import type { ActionConfig, JsonValue, RunnableActionType, Scope } from "@conflux/core";
import type { WriteWithStep } from "../../bus/bus.ts";
import type { MailService } from "../../mail/smtp.ts";
import type { OutboundClient } from "../../outbound/guarded-client.ts";
import type { OperatorStore } from "../../store/store.ts";
import type { AiPort } from "../ports/ai-port.ts";
import type { OperatorApiCalls } from "../ports/api-call-port.ts";
import type { CollectPort } from "../ports/collect-port.ts";
import type { OperatorDeviceAccess } from "../ports/device-port.ts";
import type { GoogleTokenPort } from "../ports/google-token-port.ts";
import type { VerifiedAddressesPort } from "../ports/verified-addresses.ts";

/** What an action may use while it runs; nothing else reaches it. */
export interface ActionContext {
  readonly operator: OperatorStore;
  /** `payload`, `context` and `event` of the message the action runs on. */
  readonly scope: Scope;
  /** `<message id>:<action id>`: the same on every try, so a receiver can recognise a retry. */
  readonly idempotencyKey: string;
  /** Hops the message took from its run's trigger; a side effect that starts runs (a file) passes it on. */
  readonly hop: number;
  readonly outbound: OutboundClient;
  /** Absent when the service has no SMTP server configured. */
  readonly mail: MailService | undefined;
  /** The decrypted values of a stored credential of this operator. */
  openCredential(credentialsId: string): Promise<Record<string, string>>;
  /** Providers, usage meter, AI rate limit and files, for the AI actions. */
  readonly ai: AiPort;
  /** This operator's devices, data store and downlink (data-store, device-command actions). */
  readonly devices: OperatorDeviceAccess;
  /** Where the LINE Messaging API is (a stand-in's address in tests). */
  readonly lineApiUrl: string;
  /** Google access tokens of service accounts, cached until shortly before they expire (webhook auth). */
  readonly googleTokens: GoogleTokenPort;
  /** Open collect batches and the timer that sends them (collect action). */
  readonly collectBatches: CollectPort;
  /** Conflux's own API, as a user of this operator (api action). */
  readonly apiCalls: OperatorApiCalls;
  /** The operator's verified addresses: the only ones the email action sends to. */
  readonly verifiedAddresses: VerifiedAddressesPort;
}

export interface ActionResult {
  result: JsonValue;
  /** What the run consumed or said on the side (tokens, credits, console lines of user code). */
  usage?: JsonValue;
  /**
   * Writes that commit with the step, in the transaction that acknowledges its job (a message joining a
   * collect batch): they happen once if the step is recorded, and not at all if it is not.
   */
  alsoWrite?: WriteWithStep;
  /** The action sends its output itself, later (a collect batch): the step's result goes nowhere. */
  outputLater?: boolean;
}

export interface ActionDefinition<T extends RunnableActionType = RunnableActionType> {
  readonly type: T;
  run(config: ActionConfig<T>, context: ActionContext): Promise<ActionResult>;
}

/** A failure the history shows with its code; transient ones (timeouts, 429, 5xx) are tried again. */
export class ActionError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly transient = false,
    /** The earliest a retry may come, when the far side said (a 429's or 503's Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "ActionError";
  }
}
