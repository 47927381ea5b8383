import {
  createContext,
  type ReactNode,
  type RefObject,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { Button } from "./Button.tsx";

interface ToastItem {
  id: number;
  text: string;
  kind: "info" | "error";
}

interface Toasts {
  show(text: string, kind?: ToastItem["kind"]): void;
}

const ToastContext = createContext<Toasts>({ show: () => {} });

export function useToast(): Toasts {
  return useContext(ToastContext);
}

/**
 * Keeps `--cfx-toasts-height` on <html> at the stack's height: the side navigation, under which the
 * toasts stand, leaves that much room at its bottom, so a toast never covers a link or the page's content.
 */
function useReservedHeight(stack: RefObject<HTMLDivElement | null>) {
  useEffect(() => {
    const element = stack.current;
    if (!element || typeof ResizeObserver === "undefined") return;
    const root = document.documentElement;
    const observer = new ResizeObserver(() =>
      root.style.setProperty("--cfx-toasts-height", `${element.offsetHeight}px`),
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      root.style.removeProperty("--cfx-toasts-height");
    };
  }, [stack]);
}

/**
 * Short confirmations ("App deleted") and errors of actions that have no field to point at. They stand
 * at the bottom of the side navigation's column, outside the page's content, newest at the bottom.
 */
export function ToastProvider({ children, timeoutMs = 6_000 }: { children: ReactNode; timeoutMs?: number }) {
  const [items, setItems] = useState<ToastItem[]>([]);
  const next = useRef(1);
  const stack = useRef<HTMLDivElement>(null);
  useReservedHeight(stack);
  const dismiss = useCallback((id: number) => setItems((all) => all.filter((item) => item.id !== id)), []);
  const show = useCallback(
    (text: string, kind: ToastItem["kind"] = "info") => {
      const id = next.current++;
      setItems((all) => [...all.slice(-3), { id, text, kind }]);
      // Errors stay until dismissed: a person may need time to read them.
      if (kind === "info") setTimeout(() => dismiss(id), timeoutMs);
    },
    [dismiss, timeoutMs],
  );
  const value = useMemo(() => ({ show }), [show]);
  const toast = (item: ToastItem) => (
    <div key={item.id} className={`cfx-toast cfx-toast--${item.kind}`}>
      <span className="cfx-toast__text">{item.text}</span>
      <Button size="small" variant="ghost" onClick={() => dismiss(item.id)} aria-label="Dismiss">
        ✕
      </Button>
    </div>
  );
  // Screen readers announce what is added to a live region that already exists, so both regions are
  // rendered before any toast and the toasts carry no live role of their own (a role="alert" inside an
  // aria-live container was announced twice). Not atomic: a new toast is read, not the whole stack.
  // The assertive region has no role="alert": that role implies atomic, and an always-present empty
  // alert would stand beside every real error banner on the page.
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="cfx-toasts" ref={stack} data-placement="navigation-column">
        <div className="cfx-toasts__region" role="status" aria-live="polite" aria-atomic="false">
          {items.filter((item) => item.kind === "info").map(toast)}
        </div>
        <div className="cfx-toasts__region" aria-live="assertive" aria-atomic="false">
          {items.filter((item) => item.kind === "error").map(toast)}
        </div>
      </div>
    </ToastContext.Provider>
  );
}
