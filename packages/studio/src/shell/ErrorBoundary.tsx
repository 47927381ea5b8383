import { Component, type ErrorInfo, type ReactNode } from "react";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";

interface Props {
  children: ReactNode;
  /** Changing it (e.g. the path) clears a caught error, so navigating away recovers. */
  resetKey: string;
}

/** A render error becomes a message with a way out, never a blank page. */
export class ErrorBoundary extends Component<Props, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidUpdate(previous: Props) {
    if (previous.resetKey !== this.props.resetKey && this.state.error !== undefined)
      this.setState({ error: undefined });
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error("studio render error", error, info.componentStack);
  }

  override render() {
    if (this.state.error === undefined) return this.props.children;
    return (
      <div className="cfx-page">
        <h1 className="cfx-page__title">Something went wrong on this page</h1>
        <ErrorBanner error={this.state.error} onRetry={() => this.setState({ error: undefined })} />
        <p className="cfx-muted">Your saved work is safe. Retry, or go back to the apps list.</p>
      </div>
    );
  }
}
