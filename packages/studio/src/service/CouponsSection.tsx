import { useState } from "react";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Table } from "../ui/Table.tsx";
import { TextField } from "../ui/TextField.tsx";
import { useToast } from "../ui/Toast.tsx";
import { money } from "./money.ts";
import { useServiceApi } from "./service-api.ts";

/** The operator's coupons and what is left of each; the root user registers one by its code [17.2]. */
export function CouponsSection({ canRegister }: { canRegister: boolean }) {
  const api = useServiceApi();
  const toast = useToast();
  const coupons = useLoad(() => api.listCoupons(), [api]);
  const [code, setCode] = useState("");
  const registering = useAction();
  const register = () =>
    registering.run(async () => {
      const coupon = await api.registerCoupon(code.trim());
      setCode("");
      toast.show(`Registered ${coupon.couponCode}: ${money(coupon.balance)} to draw on`);
      coupons.reload();
    });

  return (
    <section className="cfx-stack" aria-labelledby="coupons-title">
      <h2 id="coupons-title">Coupons</h2>
      <p className="cfx-muted">
        When a month closes, coupons pay its plan, overage and tax (never late interest), the soonest expiring
        first.
      </p>
      {coupons.error ? <ErrorBanner error={coupons.error} onRetry={coupons.reload} /> : null}
      <Table
        caption="Coupons"
        rows={coupons.data ?? []}
        rowKey={(coupon) => coupon.couponCode}
        empty={coupons.loading ? "Loading…" : "No coupons registered."}
        columns={[
          { header: "Code", cell: (coupon) => coupon.couponCode },
          { header: "Amount", cell: (coupon) => money(coupon.amount) },
          { header: "Balance", cell: (coupon) => money(coupon.balance) },
          { header: "Expires after", cell: (coupon) => coupon.expiryMonth },
        ]}
      />
      {canRegister ? (
        <form
          className="cfx-row"
          aria-label="Register a coupon"
          onSubmit={(event) => {
            event.preventDefault();
            void register();
          }}
        >
          <TextField
            label="Coupon code"
            value={code}
            autoComplete="off"
            onChange={(event) => setCode(event.target.value)}
          />
          <Button type="submit" disabled={registering.busy || code.trim().length < 4}>
            Register coupon
          </Button>
        </form>
      ) : null}
      {registering.error ? (
        <ErrorBanner error={registering.error} onDismiss={registering.clearError} />
      ) : null}
    </section>
  );
}
