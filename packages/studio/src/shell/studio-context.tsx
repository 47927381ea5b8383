import { createContext, useContext } from "react";
import type { ConfluxApi } from "../api/conflux-api.ts";
import type { Session } from "../api/session.ts";

export interface StudioContextValue {
  api: ConfluxApi;
  session: Session | undefined;
  logIn(session: Session): void;
  logOut(): Promise<void>;
}

export const StudioContext = createContext<StudioContextValue | undefined>(undefined);

export function useStudio(): StudioContextValue {
  const value = useContext(StudioContext);
  if (!value) throw new Error("useStudio outside <Studio>");
  return value;
}

/** For pages behind log-in: the session is there, or the shell would have shown the log-in page. */
export function useSession(): Session {
  const { session } = useStudio();
  if (!session) throw new Error("no session");
  return session;
}
