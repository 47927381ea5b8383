import { z } from "zod";
import { newPasswordSchema } from "../auth/password-policy.ts";
import { MAX_PERMISSION_LENGTH, parsePermission } from "../auth/permissions/index.ts";

/** Path and body parts the users, roles, auth key and token routes share. */

// As SORACOM's SAM: letters, digits and @+=,._- (so a name is safe in a path and in a condition).
const name = (what: string) =>
  z.string().regex(/^[A-Za-z0-9@+=,._-]{1,100}$/, `${what} has 1–100 letters, digits or @+=,._- characters`);

export const userName = name("a user name");
export const roleId = name("a role id");
export const description = z.string().max(1_024, "a description has at most 1,024 characters");
/** 8–256 characters and not a common password (auth/password-policy.ts). */
export const newPassword = newPasswordSchema;

/** A permission is a JSON string; it must parse, and the error says where it does not. */
export const permissionText = z
  .string()
  .max(MAX_PERMISSION_LENGTH, `a permission has at most ${MAX_PERMISSION_LENGTH} characters`);

export function checkedPermission(text: string): string {
  parsePermission(text);
  return text;
}

export const operatorParams = z.object({ operatorId: z.string().max(64) });
export const userParams = operatorParams.extend({ userName });
export const roleParams = operatorParams.extend({ roleId });
export const authKeyId = z.string().max(128);

/** A body a client may leave out (Fastify reads a missing body as null): it reads as `{}`. */
export function optionalBody<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.preprocess((body) => body ?? {}, z.object(shape));
}
