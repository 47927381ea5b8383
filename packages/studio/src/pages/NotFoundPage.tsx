import { Button } from "../ui/Button.tsx";
import { Page } from "../ui/PageLayout.tsx";

export function NotFoundPage({ onHome }: { onHome(): void }) {
  return (
    <Page title="Page not found">
      <p className="cfx-muted">There is nothing at this address.</p>
      <Button variant="primary" onClick={onHome}>
        Go to your apps
      </Button>
    </Page>
  );
}
