import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Studio } from "./shell/Studio.tsx";
import "./ui/ui.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <Studio />
  </StrictMode>,
);
