import { randomInt } from "node:crypto";
import { hashSecret } from "../auth/tokens.ts";
import { matchingStep } from "../auth/totp.ts";
import { type MfaStore, rootUserName } from "./mfa-store.ts";

const backupAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** Ten characters (50 bits) shown as `XXXXX-XXXXX`; typed in any case, with or without the dash. */
export function newBackupCode(): string {
  const characters = Array.from({ length: 10 }, () => backupAlphabet[randomInt(backupAlphabet.length)]);
  return `${characters.slice(0, 5).join("")}-${characters.slice(5).join("")}`;
}

export function hashBackupCode(code: string): string {
  return hashSecret(`backup:${code.toUpperCase().replace(/[\s-]/g, "")}`);
}

/**
 * Whether the sign-in of a user whose password was right may go on: yes when its MFA is off;
 * otherwise only with a TOTP code of a step not used before, or (root) an unused backup code.
 */
export async function passesSecondFactor(
  mfa: MfaStore,
  operatorId: string,
  userName: string,
  code: string | undefined,
  now = Date.now(),
): Promise<boolean> {
  const state = await mfa.state(operatorId, userName);
  if (state?.status !== "ACTIVE") return true;
  if (!code) return false;
  if (/^\d{6}$/.test(code)) {
    const step = matchingStep(state.secret, code, now);
    return step !== undefined && (await mfa.claimStep(operatorId, userName, step));
  }
  return userName === rootUserName && (await mfa.claimBackupCode(operatorId, hashBackupCode(code), now));
}
