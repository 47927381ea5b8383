import type { AppDefinition } from "@conflux/core";
import { UserError } from "../errors.ts";
import type { VerifiedAddressesPort } from "../runtime/ports/verified-addresses.ts";

const mailingActions = new Set(["email", "email-notification"]);

function addressesOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/**
 * Refuses an app whose mail actions name an address the operator has not verified (accounts.md):
 * the service's mail server sends only to people who agreed to receive.
 */
export async function refuseUnverifiedRecipients(
  definition: AppDefinition,
  operatorId: string,
  verifiedAddresses: VerifiedAddressesPort,
): Promise<void> {
  for (const [index, action] of definition.actions.entries()) {
    if (!mailingActions.has(action.type)) continue;
    const config = action.config as Record<string, unknown>;
    const recipients = ["to", "cc", "bcc"].flatMap((field) => addressesOf(config[field]));
    const [first, ...others] = await verifiedAddresses.unverified(operatorId, recipients);
    if (!first) continue;
    const more = others.length ? ` (and ${others.length} more: ${others.join(", ")})` : "";
    throw new UserError(
      "validation_failed",
      `action '${action.name || action.actionId}' mails ${first}${more}, not a verified address of this account: add it with POST /v1/operators/${operatorId}/emails and open the link mailed to it`,
      [{ path: `actions.${index}.config`, message: `${first} is not verified` }],
    );
  }
}
