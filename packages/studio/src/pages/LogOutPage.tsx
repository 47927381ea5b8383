import { useEffect } from "react";
import { useStudio } from "../shell/studio-context.tsx";
import { Page } from "../ui/PageLayout.tsx";

/** Ends the session (the token stops working on the server at once) and goes to the log-in page. */
export function LogOutPage() {
  const { logOut } = useStudio();
  useEffect(() => {
    void logOut();
  }, [logOut]);
  return (
    <Page title="Logging out">
      <p className="cfx-muted">Logging out…</p>
    </Page>
  );
}
