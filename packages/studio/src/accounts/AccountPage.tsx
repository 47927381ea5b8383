import { useSession } from "../shell/studio-context.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { AuthKeysSection } from "./AuthKeysSection.tsx";
import type { Owner } from "./accounts-api.ts";
import { MfaSection } from "./MfaSection.tsx";
import { SignOutEverywhere } from "./SignOutEverywhere.tsx";

/** The signed-in principal's own security: auth keys, two-factor sign-in, and signing out everywhere. */
export function AccountPage() {
  const session = useSession();
  const owner: Owner = session.userName ? { kind: "user", userName: session.userName } : { kind: "root" };
  return (
    <Page title="Your account">
      <div className="cfx-stack">
        <p className="cfx-muted">
          Operator <span className="cfx-mono">{session.operatorId}</span>, signed in as{" "}
          {session.userName ? `user ${session.userName}` : `the root user (${session.email})`}.
        </p>
        <MfaSection owner={owner} />
        <AuthKeysSection owner={owner} />
        <SignOutEverywhere owner={owner} />
      </div>
    </Page>
  );
}
