import { useState } from "react";
import { describeError } from "../api/client.ts";
import { usePermissions } from "../shell/permissions.tsx";
import { useRouter } from "../shell/router.tsx";
import { useSession, useStudio } from "../shell/studio-context.tsx";
import { useLoad } from "../shell/use-load.ts";
import { useToast } from "../ui/Toast.tsx";
import { useServiceApi } from "./service-api.ts";

/**
 * A partner's way into its customers [8]: picking one switches to a short-lived token acting as the
 * customer's root user, and the partner's own session waits to be returned to. Operators that are not
 * partners (the list answers an error or nothing) see no switcher.
 */
export function CustomerSwitcher() {
  const api = useServiceApi();
  const session = useSession();
  const { logIn } = useStudio();
  const { can } = usePermissions();
  const { navigate } = useRouter();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const allowed = session.actingFrom === undefined && can("Partner:listCustomers");
  const customers = useLoad(async () => (allowed ? api.listCustomers() : []), [api, allowed]);
  if (!customers.data?.length) return null;

  const switchTo = async (operatorId: string) => {
    const customer = customers.data?.find((candidate) => candidate.operatorId === operatorId);
    if (!customer) return;
    setBusy(true);
    try {
      const switched = await api.switchUser(customer.operatorId);
      logIn({ ...switched, email: customer.email, actingFrom: session });
      navigate("/apps");
    } catch (error) {
      toast.show(`Could not act as ${customer.email}: ${describeError(error)}`, "error");
    } finally {
      setBusy(false);
    }
  };

  return (
    <label className="cfx-customer-switcher">
      <span className="cfx-visually-hidden">Act as a customer</span>
      <select
        className="cfx-select"
        value=""
        disabled={busy}
        onChange={(event) => void switchTo(event.target.value)}
      >
        <option value="">Act as a customer…</option>
        {customers.data.map((customer) => (
          <option key={customer.operatorId} value={customer.operatorId}>
            {customer.email} ({customer.operatorId})
          </option>
        ))}
      </select>
    </label>
  );
}
