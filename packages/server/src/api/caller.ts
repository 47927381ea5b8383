import type { FastifyRequest } from "fastify";

/** Who made an authenticated call, as the rate limit and the audit log need it. */
export interface Caller {
  readonly operatorId: string;
  /** Absent for the root user. */
  readonly userName?: string;
}

/** Undefined until authentication has run (and for calls it refused). */
export function callerOf(request: FastifyRequest): Caller | undefined {
  const operatorId = request.operatorStore?.operatorId;
  return operatorId === undefined ? undefined : { operatorId };
}
