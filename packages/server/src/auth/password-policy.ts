import { dictionary } from "@zxcvbn-ts/language-common";
import { z } from "zod";

export const minPasswordLength = 8;
export const maxPasswordLength = 256;

// zxcvbn-ts's list of the most used passwords (from leaked sets), built once on first use.
let commonPasswords: ReadonlySet<string> | undefined;

/** Whether `password` is on the common-password list, compared without case as guessers try it. */
export function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(dictionary["passwords-common"]);
  return commonPasswords.has(password.toLowerCase());
}

/** A new password as accounts.md has it: 8–256 characters and not a common one. Sign-up, set, change and reset use it. */
export const newPasswordSchema = z
  .string()
  .min(minPasswordLength, `a password has at least ${minPasswordLength} characters`)
  .max(maxPasswordLength, `a password has at most ${maxPasswordLength} characters`)
  .refine((password) => !isCommonPassword(password), {
    message: "this password is on the list of common passwords; choose another",
  });
