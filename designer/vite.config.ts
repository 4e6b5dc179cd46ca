import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The app is served by `protocol serve` from dist/ at /; everything it loads is bundled (no CDN: it works offline).
// `npm run dev` proxies the API to a server on 127.0.0.1:5080.
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1200 },
  server: { proxy: { "/api": "http://127.0.0.1:5080" } },
});
