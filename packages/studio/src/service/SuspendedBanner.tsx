import { useSession } from "../shell/studio-context.tsx";
import { useLoad } from "../shell/use-load.ts";
import { Notice } from "../ui/Notice.tsx";
import { useServiceApi } from "./service-api.ts";
import { describeSuspensionReason, useSuspensionRefusal } from "./suspension.tsx";

/**
 * Says why the account is suspended, on every page: from the account's status, or from the message of
 * a call the API refused with `operator_suspended` (suspended since the page loaded).
 */
export function SuspendedBanner() {
  const api = useServiceApi();
  const refusal = useSuspensionRefusal();
  const { operatorId } = useSession();
  // Loaded again for another session (a partner acting as a customer), and when a refusal arrives, so
  // the banner names the reason the account now has.
  const standing = useLoad(() => api.getStanding(), [api, operatorId, refusal]);
  const suspended = standing.data?.status === "suspended";
  if (!suspended && !refusal) return null;
  return (
    <Notice tone="critical">
      <strong>This account is suspended</strong>
      {": "}
      <span data-testid="suspension-reason">
        {suspended ? describeSuspensionReason(standing.data?.statusReason) : refusal}
      </span>
      . Its apps are stopped and new data is refused; you can still read everything, and nothing is deleted.
      Contact the provider of this service to resume it.
      {suspended && standing.data?.suspensionMessage ? (
        <>
          {" "}
          The provider wrote: <q>{standing.data.suspensionMessage}</q>
        </>
      ) : null}
    </Notice>
  );
}
