import { z } from "zod";

/** An e-mail address as accounts keep it: lower case, so one address is one account [3.5]. */
export const emailSchema = z
  .email("not an e-mail address")
  .max(254)
  .transform((value) => value.toLowerCase());
