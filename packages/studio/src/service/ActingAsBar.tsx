import { useRouter } from "../shell/router.tsx";
import { useSession, useStudio } from "../shell/studio-context.tsx";
import { Button } from "../ui/Button.tsx";

/** While a partner acts as a customer: whose account this is, and the way back to the partner's own. */
export function ActingAsBar() {
  const session = useSession();
  const { api, logIn } = useStudio();
  const { navigate } = useRouter();
  const partner = session.actingFrom;
  if (!partner) return null;
  const returnToPartner = async () => {
    // The switched session ends and the partner's own resumes in the cookie. When the partner's ended
    // too, the answer is a 401 and the studio has already asked for a log-in.
    try {
      await api.switchBack();
    } catch {
      return;
    }
    logIn(partner);
    navigate("/apps");
  };
  return (
    <div className="cfx-acting-as" role="status">
      <span>
        Acting as <strong data-testid="acting-as">{session.email}</strong> ({session.operatorId}) for{" "}
        {partner.email ?? partner.userName}
      </span>
      <Button size="small" onClick={() => void returnToPartner()}>
        Return to your account
      </Button>
    </div>
  );
}
