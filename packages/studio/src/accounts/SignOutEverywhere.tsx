import { useState } from "react";
import { useStudio } from "../shell/studio-context.tsx";
import { useAction } from "../shell/use-action.ts";
import { Button } from "../ui/Button.tsx";
import { ConfirmDialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { useToast } from "../ui/Toast.tsx";
import { type Owner, useAccountsApi } from "./accounts-api.ts";

/** Ends every token of the root user or of one user; ending one's own ends this session too. */
export function SignOutEverywhere({ owner }: { owner: Owner }) {
  const api = useAccountsApi();
  const { session, logOut } = useStudio();
  const toast = useToast();
  const [asking, setAsking] = useState(false);
  const action = useAction();
  const own = owner.kind === "root" ? session?.userName === undefined : session?.userName === owner.userName;
  const who = owner.kind === "root" ? "the root user" : owner.userName;

  const confirm = () =>
    action.run(async () => {
      setAsking(false);
      await api.endAllTokens(owner);
      if (own) {
        // This session's token ended with the others: leave as a log-out would, without its call.
        await logOut().catch(() => undefined);
        return;
      }
      toast.show(`Signed ${who} out everywhere`);
    });

  return (
    <section className="cfx-stack" aria-labelledby={`sign-out-${owner.kind}`}>
      <h2 id={`sign-out-${owner.kind}`}>Sessions</h2>
      {action.error ? <ErrorBanner error={action.error} onDismiss={action.clearError} /> : null}
      <div>
        <Button variant="danger" onClick={() => setAsking(true)} disabled={action.busy}>
          Sign out everywhere
        </Button>
      </div>
      <ConfirmDialog
        open={asking}
        title="Sign out everywhere?"
        confirmLabel="Sign out everywhere"
        danger
        onCancel={() => setAsking(false)}
        onConfirm={() => void confirm()}
      >
        <p>
          Every token of {who} stops working at once{own ? ", this session's too" : ""}. Auth keys keep
          working.
        </p>
      </ConfirmDialog>
    </section>
  );
}
