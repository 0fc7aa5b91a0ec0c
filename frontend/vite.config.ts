/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Built into Django's static folder with fixed names: templates/app.html loads
// {% static 'app/fomo.js' %} and {% static 'app/fomo.css' %}.
export default defineConfig({
  plugins: [react()],
  base: "/static/app/",
  build: {
    outDir: "../static/app",
    emptyOutDir: true,
    cssCodeSplit: false,
    rollupOptions: {
      input: "src/main.tsx",
      output: {
        entryFileNames: "fomo.js",
        chunkFileNames: "fomo-[name].js",
        assetFileNames: (info) => (info.names?.some((n) => n.endsWith(".css")) ? "fomo.css" : "[name][extname]"),
      },
    },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
