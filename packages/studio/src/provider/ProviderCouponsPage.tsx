import { useState } from "react";
import { money } from "../service/money.ts";
import { Link } from "../shell/router.tsx";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Table } from "../ui/Table.tsx";
import { TextField } from "../ui/TextField.tsx";
import { SecondsTime } from "../ui/Time.tsx";
import { useToast } from "../ui/Toast.tsx";
import { parseAmount } from "./amount.ts";
import { useProviderApi } from "./provider-api.ts";
import { providerPathOf } from "./provider-routes.ts";

const emptyDraft = { amount: "", expiryMonth: "", code: "" };

/** Coupons [17.2]: the provider issues them; an operator's root user registers one by its code. */
export function ProviderCouponsPage() {
  const api = useProviderApi();
  const toast = useToast();
  const coupons = useLoad(() => api.listCoupons(), [api]);
  const [draft, setDraft] = useState(emptyDraft);
  const issuing = useAction();
  const set = (field: keyof typeof emptyDraft) => (event: { target: { value: string } }) =>
    setDraft({ ...draft, [field]: event.target.value });
  const amount = parseAmount(draft.amount);
  const code = draft.code.trim();
  const codeProblem =
    code && !/^[A-Za-z0-9-]{4,64}$/.test(code) ? "4–64 letters, digits or hyphens." : undefined;
  const ready = Boolean(amount && /^\d{4}-\d{2}$/.test(draft.expiryMonth) && !codeProblem);

  const issue = () =>
    issuing.run(async () => {
      if (!amount) return;
      const coupon = await api.issueCoupon({
        amount,
        expiryMonth: draft.expiryMonth,
        ...(code ? { code } : {}),
      });
      setDraft(emptyDraft);
      toast.show(`Issued ${coupon.couponCode} for ${money(coupon.amount)}`);
      coupons.reload();
    });

  return (
    <Page title="Coupons">
      <form
        className="cfx-row cfx-filters"
        aria-label="Issue a coupon"
        onSubmit={(event) => {
          event.preventDefault();
          void issue();
        }}
      >
        <TextField
          label="Amount"
          inputMode="numeric"
          value={draft.amount}
          error={draft.amount && !amount ? "A whole number, 1 or more." : undefined}
          onChange={set("amount")}
        />
        <TextField
          label="Usable until the end of"
          type="month"
          value={draft.expiryMonth}
          onChange={set("expiryMonth")}
        />
        <TextField
          label="Code (optional)"
          hint="Generated when left empty."
          value={draft.code}
          error={codeProblem}
          onChange={set("code")}
        />
        <Button type="submit" variant="primary" disabled={issuing.busy || !ready}>
          Issue coupon
        </Button>
      </form>
      {issuing.error ? <ErrorBanner error={issuing.error} onDismiss={issuing.clearError} /> : null}
      {coupons.error ? <ErrorBanner error={coupons.error} onRetry={coupons.reload} /> : null}
      <Table
        caption="Coupons"
        rows={coupons.data ?? []}
        rowKey={(coupon) => coupon.couponCode}
        empty={coupons.loading ? "Loading…" : "No coupons issued."}
        columns={[
          { header: "Code", cell: (coupon) => coupon.couponCode },
          { header: "Amount", cell: (coupon) => money(coupon.amount) },
          { header: "Balance", cell: (coupon) => money(coupon.balance) },
          { header: "Expires after", cell: (coupon) => coupon.expiryMonth },
          {
            header: "Holder",
            cell: (coupon) =>
              coupon.operatorId ? (
                <Link to={providerPathOf({ page: "operator", operatorId: coupon.operatorId })}>
                  {coupon.operatorId}
                </Link>
              ) : (
                "not registered"
              ),
          },
          {
            header: "Registered",
            cell: (coupon) =>
              coupon.registeredDateTime === undefined ? (
                "—"
              ) : (
                <SecondsTime value={coupon.registeredDateTime} />
              ),
          },
        ]}
      />
    </Page>
  );
}
