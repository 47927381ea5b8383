import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run dev -w @conflux/studio` proxies the API to a Conflux on its default port.
export default defineConfig({
  plugins: [react()],
  // The editor chunk (React Flow, CodeMirror) is loaded on its own when an app opens; it is ~700 kB.
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 800 },
  server: { proxy: { "/v1": "http://127.0.0.1:8480" } },
});
